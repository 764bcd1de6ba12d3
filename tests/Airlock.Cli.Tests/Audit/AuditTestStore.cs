using System.Globalization;
using System.Text;
using Airlock.Audit;
using Airlock.Store;
using Microsoft.Data.Sqlite;

namespace Airlock.Cli.Tests.Audit;

/// <summary>
/// A real SQLite store in a temp directory, written by the real <see cref="AuditTrail"/> with a freshly generated
/// signing key, plus the key files a user would have (private and public PEM).
/// </summary>
internal sealed class AuditTestStore : IDisposable
{
    private AuditTestStore(string directory)
    {
        Directory = directory;
        System.IO.Directory.CreateDirectory(directory);
        Key = AuditSigningKey.Generate();
        File.WriteAllText(PrivateKeyPath, Key.ExportPrivateKeyPem());
        File.WriteAllText(PublicKeyPath, Key.ExportPublicKeyPem());
    }

    public string Directory { get; }

    public string StorePath => Path.Combine(Directory, "airlock.db");

    /// <summary>The value for <c>--store</c>.</summary>
    public string Location => "sqlite:" + StorePath;

    public string PrivateKeyPath => Path.Combine(Directory, "audit-key.pem");

    public string PublicKeyPath => Path.Combine(Directory, "audit-key.pub.pem");

    public AuditSigningKey Key { get; }

    /// <summary>A store with <paramref name="events"/> sample events (see <see cref="Sample"/>), signed every <paramref name="checkpointEvery"/> events.</summary>
    public static async Task<AuditTestStore> CreateAsync(int events = 24, int checkpointEvery = 10)
    {
        var store = new AuditTestStore(Path.Combine(Path.GetTempPath(), "airlock-cli-audit-" + Guid.NewGuid().ToString("N")));
        await store.AppendAsync(checkpointEvery, [.. Enumerable.Range(1, events).Select(Sample)]);
        return store;
    }

    /// <summary>
    /// Event <paramref name="i"/> of a small realistic trail, by <c>i % 4</c>: 1 an allowed SQL intent by alice,
    /// 2 its outcome (42 rows), 3 a denied DELETE by bob, 0 an approval request by bob (decision review).
    /// </summary>
    public static AuditEvent Sample(int i) => (i % 4) switch
    {
        1 => new AuditEvent
        {
            Kind = AuditEventKinds.ActionIntent,
            SessionId = "s-alice",
            User = "alice",
            Groups = ["engineers"],
            Resource = "orders-prod",
            ActionType = "sql",
            Text = "SELECT id, email FROM customers WHERE id = $" + i.ToString(CultureInfo.InvariantCulture),
            StatementKind = "select",
            Tables = ["customers"],
            Decision = "allow",
            Rule = "prod-engineer-reads",
        },
        2 => new AuditEvent
        {
            Kind = AuditEventKinds.ActionOutcome,
            SessionId = "s-alice",
            User = "alice",
            Resource = "orders-prod",
            IntentSeq = i - 1,
            Rows = 42,
            Masked = new Dictionary<string, long> { ["email"] = 42 },
            DurationMicros = 1200,
            Outcome = "ok",
        },
        3 => new AuditEvent
        {
            Kind = AuditEventKinds.ActionBlocked,
            SessionId = "s-bob",
            User = "bob",
            Resource = "billing-prod",
            ActionType = "sql",
            Text = "DELETE FROM invoices",
            Decision = "deny",
            Rule = "no-deletes-in-prod",
            Outcome = "denied",
        },
        _ => new AuditEvent
        {
            Kind = AuditEventKinds.ApprovalRequested,
            SessionId = "s-bob",
            User = "bob",
            Resource = "billing-prod",
            Decision = "review",
            Detail = new Dictionary<string, string> { ["ticket"] = "CHG-" + i.ToString(CultureInfo.InvariantCulture) },
        },
    };

    /// <summary>Appends through a real trail (opening the store for writing), signing with <see cref="Key"/>.</summary>
    public async Task AppendAsync(int checkpointEvery, params AuditEvent[] events)
    {
        await using var store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(StorePath), Durability = AuditDurability.Power });
        await using var trail = new AuditTrail(store, Key, new AuditTrailOptions { CheckpointEveryEvents = checkpointEvery });
        foreach (var e in events)
        {
            await trail.AppendAsync(e);
        }
    }

    public Task AppendAsync(params AuditEvent[] events) => AppendAsync(checkpointEvery: 10, events);

    /// <summary>Edits the stored body of event <paramref name="seq"/> in place, as someone with write access to the file could.</summary>
    public void EditBody(long seq, string from, string to)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StorePath, Pooling = false }.ToString());
        connection.Open();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT body FROM audit_events WHERE seq = $seq";
        read.Parameters.AddWithValue("$seq", seq);
        var body = Encoding.UTF8.GetString((byte[])read.ExecuteScalar()!);
        Assert.Contains(from, body, StringComparison.Ordinal);

        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE audit_events SET body = $body WHERE seq = $seq";
        update.Parameters.AddWithValue("$body", Encoding.UTF8.GetBytes(body.Replace(from, to, StringComparison.Ordinal)));
        update.Parameters.AddWithValue("$seq", seq);
        Assert.Equal(1, update.ExecuteNonQuery());
    }

    public void Dispose()
    {
        Key.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open elsewhere; the temp directory is cleaned up by the system.
        }
    }
}
