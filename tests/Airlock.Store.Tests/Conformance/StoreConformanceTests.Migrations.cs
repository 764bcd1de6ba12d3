using Airlock.Store.Tests.Support;

namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>The newest schema version this build knows.</summary>
    private const int Latest = 4;

    [Fact]
    public async Task A_fresh_store_is_migrated_to_the_latest_schema_version()
    {
        await using var store = await OpenStoreAsync();

        Assert.Equal(Latest, store.SchemaVersion);
        Assert.Equal($"{Latest}", await RunSqlAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Equal($"{Latest}", await RunSqlAsync("SELECT max(version) FROM schema_migrations"));
        Assert.False(string.IsNullOrWhiteSpace(store.Description));
    }

    [Fact]
    public async Task A_store_at_version_1_is_migrated_to_the_latest_and_keeps_its_data()
    {
        await using (var store = await OpenStoreAsync())
        {
            await store.Audit.AppendAsync(ChainSealer.Of(2));
        }

        // Back to what a version-1 build left behind.
        await RunSqlAsync("DROP INDEX approval_requests_action");
        await RunSqlAsync("ALTER TABLE approval_requests DROP COLUMN duration_seconds");
        await RunSqlAsync("ALTER TABLE grants DROP COLUMN reason");
        await RunSqlAsync("DROP TABLE login_tokens");
        await RunSqlAsync("DROP TABLE mfa_stepups");
        await RunSqlAsync("DROP INDEX api_tokens_revoked");
        await RunSqlAsync("ALTER TABLE approval_votes DROP COLUMN idp_groups");
        await DowngradeFrom4Async();
        await RunSqlAsync("DELETE FROM schema_migrations WHERE version >= 2");

        await using var again = await ReopenStoreAsync();
        Assert.Equal(Latest, again.SchemaVersion);
        Assert.Equal(2, (await again.Audit.ReadHeadAsync()).Seq);
        Assert.Equal($"{Latest}", await RunSqlAsync("SELECT max(version) FROM schema_migrations"));
        Assert.Equal("0", await RunSqlAsync("SELECT count(*) FROM login_tokens"));
        Assert.Equal("0", await RunSqlAsync("SELECT count(*) FROM mfa_stepups"));

        // The index and the columns are back: each of these works only if the migration made them.
        Assert.Equal("0", await RunSqlAsync("SELECT count(*) FROM approval_requests WHERE duration_seconds IS NOT NULL"));
        Assert.Equal("0", await RunSqlAsync("SELECT count(*) FROM grants WHERE reason IS NOT NULL"));
        await RunSqlAsync("DROP INDEX approval_requests_action");
    }

    [Fact]
    public async Task A_store_at_version_3_is_migrated_to_4_keeping_the_newest_of_duplicate_pending_requests()
    {
        await using (var store = await OpenStoreAsync())
        {
            await store.Audit.AppendAsync(ChainSealer.Of(1));
        }

        await DowngradeFrom4Async();
        await RunSqlAsync("DELETE FROM schema_migrations WHERE version >= 4");

        // What a version-3 gateway could leave: three pending requests for one action, and others.
        foreach (var (id, minute, digest, state) in new[] { ("dup-old", 0, "d1", "pending"), ("dup-mid", 1, "d1", "pending"), ("dup-new", 2, "d1", "pending"), ("other", 0, "d2", "pending"), ("used", 0, "d1", "used") })
        {
            await RunSqlAsync(
                "INSERT INTO approval_requests (id, kind, requester, resource, action_digest, action_summary, rule, policy_revision, state, created_at, expires_at) "
                + $"VALUES ('{id}', 'action', 'alice', 'demo', '{digest}', 'DELETE …', 'r', 'rev', '{state}', {UnixMicros.From(T0.AddMinutes(minute))}, {UnixMicros.From(T0.AddHours(1))})");
        }

        await using var again = await ReopenStoreAsync();
        Assert.Equal(Latest, again.SchemaVersion);
        Assert.Equal(1, (await again.Audit.ReadHeadAsync()).Seq);
        Assert.Equal("pending", (await again.Approvals.GetAsync("dup-new"))!.State);
        Assert.Equal("expired", (await again.Approvals.GetAsync("dup-old"))!.State);
        Assert.Equal("expired", (await again.Approvals.GetAsync("dup-mid"))!.State);
        Assert.Equal("pending", (await again.Approvals.GetAsync("other"))!.State);
        Assert.Equal("used", (await again.Approvals.GetAsync("used"))!.State);
        Assert.Null((await again.Approvals.GetAsync("dup-new"))!.ExactText);

        // The new index holds from now on, and the new table is there.
        Assert.False(await again.Approvals.TryCreateAsync(Request("dup-4", 3) with { Resource = "demo", ActionDigest = "d1" }));
        Assert.Null(await again.MfaStepUps.GetFailuresAsync("bob"));
    }

    /// <summary>Undoes schema version 4, back to what a version-3 build left behind.</summary>
    private async Task DowngradeFrom4Async()
    {
        await RunSqlAsync("DROP INDEX approval_requests_pending_once");
        await RunSqlAsync("DROP INDEX approval_requests_requester");
        await RunSqlAsync("ALTER TABLE approval_requests DROP COLUMN exact_text");
        await RunSqlAsync("ALTER TABLE approval_requests DROP COLUMN exact_parameters");
        await RunSqlAsync("ALTER TABLE approval_requests DROP COLUMN structure");
        await RunSqlAsync("DROP TABLE mfa_failures");
    }

    [Fact]
    public async Task Reopening_a_store_applies_no_migration_twice_and_keeps_its_data()
    {
        await using (var store = await OpenStoreAsync())
        {
            await store.Audit.AppendAsync(ChainSealer.Of(2));
        }

        var appliedAt = await RunSqlAsync("SELECT applied_at FROM schema_migrations WHERE version = 1");
        for (var i = 0; i < 2; i++)
        {
            await using var again = await ReopenStoreAsync();
            Assert.Equal(Latest, again.SchemaVersion);
            Assert.Equal(2, (await again.Audit.ReadHeadAsync()).Seq);
        }

        Assert.Equal($"{Latest}", await RunSqlAsync("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(appliedAt, await RunSqlAsync("SELECT applied_at FROM schema_migrations WHERE version = 1"));
    }

    [Fact]
    public async Task Stores_opened_at_once_on_a_new_location_migrate_it_once()
    {
        // A read-only open of a store that was never created fails and creates nothing...
        await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => OpenStoreAsync(readOnly: true));

        // ...so these four opens race to create the schema of the same empty location.
        var opens = Enumerable.Range(0, 4).Select(_ => ReopenStoreAsync()).ToList();
        var stores = await Task.WhenAll(opens);
        try
        {
            Assert.All(stores, s => Assert.Equal(Latest, s.SchemaVersion));
            Assert.Equal($"{Latest}", await RunSqlAsync("SELECT count(*) FROM schema_migrations"));
            await stores[0].Audit.AppendAsync(ChainSealer.Of(1));
            await stores[3].Audit.AppendAsync(ChainSealer.Of(1));
            AuditChain.AssertGapless(await ReadAllAsync(stores[1]), await stores[2].Audit.ReadHeadAsync());
        }
        finally
        {
            await DisposeAllAsync(stores);
        }
    }

    [Fact]
    public async Task A_store_with_a_newer_schema_than_this_build_refuses_to_open()
    {
        string description;
        await using (var store = await OpenStoreAsync())
        {
            description = store.Description;
        }

        await RunSqlAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 0)");

        var ex = await AssertStoreErrorAsync(StoreErrors.SchemaTooNew, () => ReopenStoreAsync());
        Assert.Contains(description, ex.Message, StringComparison.Ordinal);
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);

        var readOnly = await AssertStoreErrorAsync(StoreErrors.SchemaTooNew, () => ReopenStoreAsync(readOnly: true));
        Assert.Contains(description, readOnly.Message, StringComparison.Ordinal);

        // Refusing changed nothing: the store still says 99, and each known version is still recorded once.
        Assert.Equal("99", await RunSqlAsync("SELECT max(version) FROM schema_migrations"));
        Assert.Equal($"{Latest + 1}", await RunSqlAsync("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task A_read_only_open_of_a_store_that_was_never_created_fails()
    {
        var ex = await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => OpenStoreAsync(readOnly: true));

        // And it did not create one: a normal open afterwards starts from scratch.
        await using var store = await ReopenStoreAsync();
        Assert.Contains(store.Description, ex.Message, StringComparison.Ordinal);
        Assert.Equal(Latest, store.SchemaVersion);
        Assert.Equal(0, (await store.Audit.ReadHeadAsync()).Seq);
    }

    [Fact]
    public async Task A_read_only_store_reads_everything_and_refuses_every_write()
    {
        var session = new SessionRecord { Id = "s1", User = "alice", Resource = "orders", Instance = "gw-1", StartedAt = T0 };
        await using var writer = await OpenStoreAsync();
        await writer.Audit.AppendAsync(ChainSealer.Of(3));
        await writer.Sessions.StartAsync(session);

        // Opened beside a running writer, as `airlock audit verify` would be.
        await using var reader = await ReopenStoreAsync(readOnly: true);
        Assert.Equal(Latest, reader.SchemaVersion);
        Assert.Equal(writer.Description, reader.Description);
        Assert.Equal(3, (await reader.Audit.ReadHeadAsync()).Seq);
        Assert.Equal(3, (await ReadAllAsync(reader)).Count);
        Assert.Equal((3L, 3L), await reader.Audit.CountAsync());
        Assert.Equal(session, await reader.Sessions.GetAsync("s1"));

        var sealer = ChainSealer.Of(1);
        var append = await AssertStoreErrorAsync(StoreErrors.ReadOnly, () => reader.Audit.AppendAsync(sealer).AsTask());
        Assert.Contains(reader.Description, append.Message, StringComparison.Ordinal);
        Assert.Equal(0, sealer.SealCalls);
        Assert.Equal(0, sealer.CommittedCalls);

        // The state areas are refused by the database itself (SQLite's read-only mode, PostgreSQL's read-only transactions).
        var start = await AssertStoreErrorAsync(StoreErrors.ReadOnly, () => reader.Sessions.StartAsync(session with { Id = "s2" }).AsTask());
        Assert.Contains(reader.Description, start.Message, StringComparison.Ordinal);
        await AssertStoreErrorAsync(StoreErrors.ReadOnly, () => reader.Sessions.EndAsync("s1", T0.AddHours(1), "test").AsTask());

        Assert.Equal(3, (await writer.Audit.ReadHeadAsync()).Seq);
        Assert.Null((await writer.Sessions.GetAsync("s1"))!.EndedAt);
        Assert.Null(await writer.Sessions.GetAsync("s2"));
    }

    [Fact]
    public async Task Disposing_a_store_twice_is_harmless()
    {
        var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(1));
        await store.DisposeAsync();
        await store.DisposeAsync();

        await using var again = await ReopenStoreAsync();
        Assert.Equal(1, (await again.Audit.ReadHeadAsync()).Seq);
    }
}
