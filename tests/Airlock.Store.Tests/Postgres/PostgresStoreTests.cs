using System.Net;
using System.Net.Sockets;
using Airlock.Store.Tests.Conformance;
using Airlock.Store.Tests.Support;
using Airlock.TestSupport;

namespace Airlock.Store.Tests.Postgres;

/// <summary>
/// The conformance suite on a real PostgreSQL 15 server (one throwaway cluster for the class, a new database for
/// each store), and the faults of a server: read-only databases, refused logins, missing databases.
/// </summary>
public sealed class PostgresStoreTests : StoreConformanceTests, IClassFixture<PostgresClusterFixture>
{
    private readonly PostgresCluster _cluster;
    private string? _database;

    public PostgresStoreTests(PostgresClusterFixture fixture)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        _cluster = fixture.Cluster;
    }

    private string CurrentDatabase => _database ?? throw new InvalidOperationException("no store was opened in this test");

    protected override async Task<IAirlockStore> OpenStoreAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false)
    {
        _database = await CreateDatabaseAsync();
        return await ReopenStoreAsync(durability, readOnly);
    }

    protected override async Task<IAirlockStore> ReopenStoreAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false) =>
        await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Postgres(_cluster.ConnectionString(CurrentDatabase)), Durability = durability, ReadOnly = readOnly });

    protected override Task<string> RunSqlAsync(string sql) => _cluster.RunPsqlAsync(CurrentDatabase, sql);

    [Fact]
    public async Task A_store_is_described_without_its_password()
    {
        await using var store = await OpenStoreAsync();

        Assert.Equal(StoreKind.Postgres, store.Kind);
        Assert.Equal($"postgres://{_cluster.SuperUser}@{_cluster.Host}:{_cluster.Port}/{CurrentDatabase}", store.Description);
        Assert.DoesNotContain(_cluster.Password, store.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_opened_from_a_postgres_uri_is_the_same_store()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(2));

        var uri = $"postgres://{_cluster.SuperUser}:{Uri.EscapeDataString(_cluster.Password)}@{_cluster.Host}:{_cluster.Port}/{CurrentDatabase}?sslmode=disable&application_name=conformance";
        await using var viaUri = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Parse(uri) });

        Assert.Equal(store.Description, viaUri.Description);
        Assert.Equal(2, (await viaUri.Audit.ReadHeadAsync()).Seq);
    }

    [Fact]
    public async Task A_read_only_database_refuses_to_be_opened_for_writing_without_showing_the_password()
    {
        string description;
        await using (var store = await OpenStoreAsync())
        {
            await store.Audit.AppendAsync(ChainSealer.Of(2));
            description = store.Description;
        }

        await _cluster.RunPsqlAsync("postgres", $"ALTER DATABASE \"{CurrentDatabase}\" SET default_transaction_read_only = on");

        var ex = await AssertStoreErrorAsync(StoreErrors.ReadOnly, () => ReopenStoreAsync());
        Assert.Contains(description, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_cluster.Password, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_cluster.Password, ex.ToString(), StringComparison.Ordinal);

        // Verify, search and export still work there, and appends are refused.
        await using var reader = await ReopenStoreAsync(readOnly: true);
        Assert.Equal(2, (await reader.Audit.ReadHeadAsync()).Seq);
        var append = await AssertStoreErrorAsync(StoreErrors.ReadOnly, () => reader.Audit.AppendAsync(ChainSealer.Of(1)).AsTask());
        Assert.DoesNotContain(_cluster.Password, append.Message, StringComparison.Ordinal);
        await AssertStoreErrorAsync(StoreErrors.ReadOnly, () => reader.Grants.RevokeAsync("g1", T0, "carol").AsTask());
    }

    [Fact]
    public async Task A_database_made_read_only_under_a_running_store_refuses_its_next_writes()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(1));

        // Sessions that exist keep their settings; what a standby promotion or an operator's switch looks like to
        // a running gateway is new sessions that are read-only. End the store's sessions so that it makes new ones.
        await _cluster.RunPsqlAsync("postgres", $"ALTER DATABASE \"{CurrentDatabase}\" SET default_transaction_read_only = on");
        await _cluster.RunPsqlAsync("postgres", $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{CurrentDatabase}'");

        var sealer = ChainSealer.Of(1);
        var ex = await AppendUntilRefusedAsync(store, sealer);
        Assert.Equal(StoreErrors.ReadOnly, ex.ErrorId);
        Assert.Contains(store.Description, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_cluster.Password, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, sealer.CommittedCalls);

        await _cluster.RunPsqlAsync("postgres", $"ALTER DATABASE \"{CurrentDatabase}\" SET default_transaction_read_only = off");
        await using var again = await ReopenStoreAsync();
        Assert.Equal(1, (await again.Audit.ReadHeadAsync()).Seq);
    }

    [Fact]
    public async Task Kind_filters_are_exact_whatever_the_database_collation()
    {
        // The cluster is C; databases in production often are not. Under a linguistic collation (ICU en-US here)
        // case and punctuation weigh differently, and a range over kind is no longer a prefix test.
        _database = $"airlock_{Guid.NewGuid():N}";
        await _cluster.RunPsqlAsync("postgres", $"CREATE DATABASE \"{_database}\" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'");
        await using var store = await ReopenStoreAsync();
        string[] kinds = ["action.intent", "ACTION.intent", "Action.result", "action-x.y", "action..z", "action", "actionZ.q", "action.Result"];
        await store.Audit.AppendAsync(new ChainSealer([.. kinds.Select(k => new TestEvent(k, T0))]));

        var prefixed = await ReadAllAsync(store, new AuditQuery { Kind = "action." });
        var exact = await ReadAllAsync(store, new AuditQuery { Kind = "action.intent" });

        Assert.Equal(["action.intent", "action..z", "action.Result"], prefixed.Select(r => r.Kind));
        Assert.Equal(["action.intent"], exact.Select(r => r.Kind));
    }

    [Fact]
    public async Task A_wrong_password_is_a_refused_login_that_does_not_repeat_the_password()
    {
        var database = await CreateDatabaseAsync();
        const string wrong = "not-the-password-0451";
        var location = StoreLocation.Parse($"postgres://{_cluster.SuperUser}:{wrong}@{_cluster.Host}:{_cluster.Port}/{database}");

        var ex = await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => StoreFactory.OpenAsync(new StoreOptions { Location = location }).AsTask());

        Assert.Contains(location.Description, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_database_cannot_be_opened()
    {
        var location = StoreLocation.Postgres(_cluster.ConnectionString("no_such_database"));

        var ex = await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => StoreFactory.OpenAsync(new StoreOptions { Location = location }).AsTask());

        Assert.Contains("no_such_database", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_cluster.Password, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_not_there_is_unavailable()
    {
        var location = StoreLocation.Parse($"postgres://{_cluster.SuperUser}:{_cluster.Password}@127.0.0.1:{ClosedPort()}/postgres?connect_timeout=5");

        var ex = await AssertStoreErrorAsync(StoreErrors.Unavailable, () => StoreFactory.OpenAsync(new StoreOptions { Location = location }).AsTask());

        Assert.Contains(location.Description, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_cluster.Password, ex.Message, StringComparison.Ordinal);
    }

    private async Task<string> CreateDatabaseAsync()
    {
        var name = $"airlock_{Guid.NewGuid():N}";
        await _cluster.CreateDatabaseAsync(name);
        return name;
    }

    /// <summary>
    /// The first append after the server ended the store's connections may meet a connection that was ended
    /// (Npgsql does not test pooled connections before use): that one is Unavailable. The next one opens a new
    /// session, which the server makes read-only.
    /// </summary>
    private static async Task<StoreException> AppendUntilRefusedAsync(IAirlockStore store, ChainSealer sealer)
    {
        for (var attempt = 0; ; attempt++)
        {
            var ex = await Assert.ThrowsAsync<StoreException>(() => store.Audit.AppendAsync(sealer).AsTask());
            if (ex.ErrorId != StoreErrors.Unavailable || attempt == 2)
            {
                return ex;
            }
        }
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
