using System.Text;
using Airlock.Store.Tests.Conformance;
using Airlock.Store.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Airlock.Store.Tests.Sqlite;

/// <summary>The conformance suite on SQLite files in a temporary directory of each test, and SQLite's own faults.</summary>
public sealed class SqliteStoreTests : StoreConformanceTests, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-store-").FullName;
    private int _stores;
    private string? _path;

    private string CurrentPath => _path ?? throw new InvalidOperationException("no store was opened in this test");

    public void Dispose()
    {
        // The stores of the test are disposed by now; nothing may keep the files.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override Task<IAirlockStore> OpenStoreAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false)
    {
        _path = Path.Combine(_directory, $"store-{++_stores}", "airlock.db");
        return OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(_path), Durability = durability, ReadOnly = readOnly });
    }

    protected override Task<IAirlockStore> ReopenStoreAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false) =>
        OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(CurrentPath), Durability = durability, ReadOnly = readOnly });

    protected override async Task<string> RunSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = CurrentPath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync()) ?? string.Empty;
    }

    [Fact]
    public async Task A_new_store_is_created_with_its_directories()
    {
        var path = Path.Combine(_directory, "a", "b", "c.db");

        await using var store = await OpenAsync(new StoreOptions { Location = StoreLocation.Parse("sqlite:" + path) });

        Assert.Equal(StoreKind.Sqlite, store.Kind);
        Assert.Equal(path, store.Description);
        Assert.True(File.Exists(path));
        Assert.Equal("wal", await RunSqlOnAsync(path, "PRAGMA journal_mode"));
    }

    [Fact]
    public async Task A_read_only_open_of_a_missing_file_names_it_and_creates_nothing()
    {
        var path = Path.Combine(_directory, "missing", "airlock.db");

        var ex = await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path), ReadOnly = true }));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_reported_as_damaged()
    {
        var path = Path.Combine(_directory, "notes.db");
        await File.WriteAllTextAsync(path, new string('x', 8192));

        var ex = await AssertStoreErrorAsync(StoreErrors.IoError, () => OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path) }));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);

        var readOnly = await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path), ReadOnly = true }));
        Assert.Contains(path, readOnly.Message, StringComparison.Ordinal);
        Assert.Equal(new string('x', 8192), await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task A_directory_in_place_of_the_file_cannot_be_opened()
    {
        var path = Path.Combine(_directory, "dir.db");
        Directory.CreateDirectory(path);

        var ex = await AssertStoreErrorAsync(StoreErrors.CannotOpen, () => OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path) }));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_database_refuses_appends_with_AL0704_and_keeps_its_chain()
    {
        await using (var store = await OpenStoreAsync())
        {
            await store.Audit.AppendAsync(ChainSealer.Of(3));
        }

        // max_page_count is per connection in SQLite, so the store sets it on its own connections: the
        // database cannot grow past the pages it has now, as on a full disk.
        var pages = long.Parse(await RunSqlAsync("PRAGMA page_count"), System.Globalization.CultureInfo.InvariantCulture);
        var capped = new StoreOptions { Location = StoreLocation.Sqlite(CurrentPath), SqliteMaxPageCount = pages };
        await using (var full = await OpenAsync(capped))
        {
            var big = new ChainSealer(new TestEvent("action.intent", T0) { Text = new string('q', 64 * 1024) });
            var ex = await AssertStoreErrorAsync(StoreErrors.Full, () => full.Audit.AppendAsync(big).AsTask());
            Assert.Contains(CurrentPath, ex.Message, StringComparison.Ordinal);
            Assert.Equal(0, big.CommittedCalls);

            var session = new SessionRecord { Id = "s1", User = "alice", Resource = "orders", Instance = "gw", StartedAt = T0, Application = new string('a', 64 * 1024) };
            var sessions = await AssertStoreErrorAsync(StoreErrors.Full, () => full.Sessions.StartAsync(session).AsTask());
            Assert.Contains(CurrentPath, sessions.Message, StringComparison.Ordinal);

            // Nothing of the refused batch is there, and reading still works.
            Assert.Equal((3L, 3L), await full.Audit.CountAsync());
            AuditChain.AssertGapless(await ReadAllAsync(full), await full.Audit.ReadHeadAsync());

            // A small batch that fits in the pages' free space still goes in, after the failure.
            await full.Audit.AppendAsync(ChainSealer.Of(1));
            Assert.Equal(4, (await full.Audit.ReadHeadAsync()).Seq);
        }

        // Once there is room again, the chain goes on where it stopped.
        await using var roomy = await ReopenStoreAsync();
        await roomy.Audit.AppendAsync(new ChainSealer(new TestEvent("action.intent", T0) { Text = new string('q', 64 * 1024) }));
        AuditChain.AssertGapless(await ReadAllAsync(roomy), await roomy.Audit.ReadHeadAsync());
        Assert.Equal(5, (await roomy.Audit.ReadHeadAsync()).Seq);
    }

    [Fact]
    public async Task A_token_secret_never_reaches_the_files()
    {
        var secret = ApiTokenHash.NewToken();
        var hash = ApiTokenHash.Of(secret);
        await using (var store = await OpenStoreAsync())
        {
            await store.ApiTokens.CreateAsync(new ApiTokenRecord { Id = "t1", Name = "ci", User = "alice", Hash = hash, Scopes = ["sql:read"], CreatedAt = T0 });
            Assert.NotNull(await store.ApiTokens.FindByHashAsync(hash));

            // While the store is open the row is in the -wal file; the hash is there and the secret is not.
            AssertSecretAbsentButHashPresent(secret, hash);
        }

        // After close, SQLite checkpoints the WAL into the .db file.
        AssertSecretAbsentButHashPresent(secret, hash);
    }

    private void AssertSecretAbsentButHashPresent(string secret, byte[] hash)
    {
        var bytes = Directory.GetFiles(Path.GetDirectoryName(CurrentPath)!)
            .SelectMany(ReadShared)
            .ToArray();
        Assert.NotEmpty(bytes);
        Assert.True(bytes.AsSpan().IndexOf(hash) >= 0, "the token's hash is not in the store's files: the check reads the wrong bytes");
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, "the token secret was written to the store's files");
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret["alk_".Length..])) < 0, "the token secret (without its prefix) was written to the store's files");
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static async Task<string> RunSqlOnAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync()) ?? string.Empty;
    }

    private static async Task<IAirlockStore> OpenAsync(StoreOptions options) => await StoreFactory.OpenAsync(options);
}
