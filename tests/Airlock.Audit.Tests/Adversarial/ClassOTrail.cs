using System.Text;
using Airlock.Audit.Tests.Support;
using Airlock.Audit.Tests.Tamper;
using Airlock.Store;

namespace Airlock.Audit.Tests.Adversarial;

/// <summary>
/// Issue 15, class O: a real store (SQLite file or throwaway PostgreSQL) holding a signed 40-event trail with a
/// checkpoint every 10 events, verified under that policy, and the moves of an attacker with write access to the
/// store but not the signing key.
/// </summary>
public abstract class ClassOTrail : IAsyncLifetime
{
    protected const int Events = 40;

    protected AuditSigningKey Key { get; } = AuditSigningKey.Generate();

    protected StoreHarness Harness { get; private set; } = null!;

    /// <summary>The policy the trail was written with: a checkpoint every 10 events (or 10 s).</summary>
    protected static AuditVerifyOptions Policy { get; } = new() { CheckpointEveryEvents = 10 };

    /// <summary>A verifier's clock an hour after the trail was written: it is past the age at which a trail must have a checkpoint.</summary>
    protected static TimeProvider AnHourLater => new ManualClock(DateTimeOffset.UtcNow.AddHours(1));

    public async Task InitializeAsync()
    {
        Harness = await CreateHarnessAsync();
        await using var store = await Harness.OpenAsync();
        await SampleTrail.WriteAsync(store, Key, Events, checkpointEvery: 10);
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        Key.Dispose();
    }

    protected abstract Task<StoreHarness> CreateHarnessAsync();

    protected bool IsSqlite => Harness is SqliteHarness;

    protected async Task<AuditVerification> VerifyAsync(AuditVerifyOptions? options = null, bool withKey = true)
    {
        await using var store = await Harness.OpenAsync(readOnly: true);
        return await AuditVerifier.VerifyAsync(store.Audit, withKey ? [Key.PublicKey] : [], options ?? Policy);
    }

    /// <summary>Verify must fail with <paramref name="errorId"/> at <paramref name="seq"/> (never throw), and say why.</summary>
    protected async Task<AuditProblem> AssertCaughtAsync(string errorId, long? seq = null, AuditVerifyOptions? options = null, string? messagePart = null)
    {
        var result = await VerifyAsync(options);
        Assert.False(result.Ok, "verify accepted the rewritten trail");
        Assert.True(result.SignaturesChecked);
        Assert.Equal(errorId, result.Problem!.ErrorId);
        if (seq is { } expected)
        {
            Assert.Equal(expected, result.Problem.Seq);
        }

        if (messagePart is not null)
        {
            Assert.Contains(messagePart, result.Problem.Message, StringComparison.Ordinal);
        }

        return result.Problem;
    }

    protected async Task AssertVerifiesAsync(AuditVerifyOptions? options = null)
    {
        var result = await VerifyAsync(options);
        Assert.True(result.Ok, result.Problem?.ToString());
        Assert.True(result.SignaturesChecked);
    }

    protected async Task<IReadOnlyList<AuditCheckpointRow>> CheckpointsAsync()
    {
        await using var store = await Harness.OpenAsync(readOnly: true);
        var rows = new List<AuditCheckpointRow>();
        await foreach (var row in store.Audit.ReadCheckpointsAsync())
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>Replaces event <paramref name="seq"/>'s body with <paramref name="body"/> and recomputes every hash after it, as the attacker would.</summary>
    protected async Task RewriteBodyAsync(long seq, byte[] body)
    {
        var rows = await TamperKit.ReadAllAsync(Harness);
        var index = rows.FindIndex(r => r.Seq == seq);
        rows[index] = rows[index] with { Body = body };
        await TamperKit.RewriteAsync(Harness, rows);
    }

    protected async Task RewriteBodyAsync(long seq, Func<string, string> edit)
    {
        var rows = await TamperKit.ReadAllAsync(Harness);
        var text = rows.Single(r => r.Seq == seq).BodyText;
        var edited = edit(text);
        Assert.NotEqual(text, edited);
        await RewriteBodyAsync(seq, Encoding.UTF8.GetBytes(edited));
    }

    /// <summary>Deletes the checkpoints after <paramref name="keep"/> and points the head row's checkpoint fields at checkpoint <paramref name="keep"/>, so that the head alone shows nothing.</summary>
    protected async Task DeleteCheckpointsAfterAsync(long keep)
    {
        var kept = (await CheckpointsAsync()).SingleOrDefault(c => c.Id == keep);
        await Harness.ExecuteAsync($"DELETE FROM audit_checkpoints WHERE id > {keep}");
        await Harness.ExecuteAsync(
            "UPDATE audit_head SET checkpoint_id = @id, checkpoint_seq = @seq, checkpoint_time = @time",
            ("@id", keep), ("@seq", kept?.Seq ?? 0L), ("@time", kept?.TimeMicros ?? 0L));
    }

    /// <summary>Cuts the trail back to event <paramref name="seq"/> with a consistent head row: a clean truncation.</summary>
    protected async Task TruncateAfterAsync(long seq)
    {
        var rows = await TamperKit.ReadAllAsync(Harness);
        await Harness.ExecuteAsync($"DELETE FROM audit_events WHERE seq > {seq}");
        await Harness.ExecuteAsync("UPDATE audit_head SET seq = @seq, hash = @hash", ("@seq", seq), ("@hash", rows.Single(r => r.Seq == seq).Hash));
    }

    /// <summary>
    /// Lets <paramref name="column"/> of <paramref name="table"/> hold NULL, as an attacker who owns the database can:
    /// PostgreSQL drops the constraint; SQLite, which cannot, gets the table rebuilt without it.
    /// </summary>
    protected async Task AllowNullAsync(string table, string column)
    {
        if (!IsSqlite)
        {
            await Harness.ExecuteAsync($"ALTER TABLE {table} ALTER COLUMN {column} DROP NOT NULL");
            return;
        }

        var columns = table switch
        {
            "audit_events" => "seq INTEGER PRIMARY KEY, time, kind, user_name, resource, decision, session_id, body, hash",
            "audit_checkpoints" => "id INTEGER PRIMARY KEY, seq, head_hash, time, key_id, signature",
            _ => "id INTEGER PRIMARY KEY, seq, hash, checkpoint_id, checkpoint_seq, checkpoint_time",
        };
        await Harness.ExecuteAsync($"""
            CREATE TABLE rebuilt ({columns});
            INSERT INTO rebuilt SELECT * FROM {table};
            DROP TABLE {table};
            ALTER TABLE rebuilt RENAME TO {table};
            """);
    }

    /// <summary>Lets <paramref name="column"/> hold text (PostgreSQL: a type change; SQLite stores any type anywhere).</summary>
    protected async Task AllowTextAsync(string table, string column)
    {
        if (!IsSqlite)
        {
            await Harness.ExecuteAsync($"ALTER TABLE {table} ALTER COLUMN {column} TYPE text USING {column}::text");
        }
    }
}
