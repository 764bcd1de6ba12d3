using System.Security.Cryptography;
using Airlock.Store.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Airlock.Store.Tests.Adversarial;

/// <summary>
/// Issue 14, class J: the SQLite store on disk. Another local user must not read the trail, the held
/// statements' exact text or the token hashes, nor write any of them: the store's files are 0600 in a
/// directory only its owner may write; a store others may write is refused (AL1024), one they may only read
/// is made private with a warning (AL1025). The read-only opens of the audit commands change nothing.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClassJ_StoreOnDiskTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;
    private const UnixFileMode Shared = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly string _root = Directory.CreateTempSubdirectory("airlock-classj-").FullName;
    private readonly List<(string Id, string Message)> _warnings = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var directory in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(directory, PrivateDirectory);
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_new_store_its_wal_and_shm_are_0600_in_a_0700_directory_it_made()
    {
        var path = Path.Combine(_root, "made", "by", "the", "store", "airlock.db");
        await using (var store = await OpenAsync(path))
        {
            await using var keepOpen = await KeepOpenAsync(path);
            await store.Audit.AppendAsync(ChainSealer.Of(3));

            // While it is open, WAL mode keeps both files beside the database.
            Assert.Equal(Private, Mode(path));
            Assert.Equal(Private, Mode(path + "-wal"));
            Assert.Equal(Private, Mode(path + "-shm"));
        }

        foreach (var directory in new[] { "made", "made/by", "made/by/the", "made/by/the/store" })
        {
            Assert.Equal(PrivateDirectory, Mode(Path.Combine(_root, directory)));
        }

        Assert.Empty(_warnings);
    }

    [Fact]
    public async Task A_store_in_an_existing_directory_is_0600_and_the_directory_is_left_as_it_was()
    {
        var directory = Path.Combine(_root, "home");
        Directory.CreateDirectory(directory, Private | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var path = Path.Combine(directory, "airlock.db");

        await using var store = await OpenAsync(path);
        await using var keepOpen = await KeepOpenAsync(path);
        await store.Sessions.StartAsync(new SessionRecord { Id = "s1", User = "alice", Resource = "demo", Instance = "gw", StartedAt = DateTimeOffset.UtcNow });

        Assert.Equal(Private, Mode(path));
        Assert.Equal(Private, Mode(path + "-wal"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, Mode(directory));
    }

    [Fact]
    public async Task A_0644_store_left_by_an_older_build_is_made_0600_with_a_warning_and_keeps_its_trail()
    {
        var path = await ExistingStoreAsync("old");
        File.SetUnixFileMode(path, Shared);

        await using var store = await OpenAsync(path);

        Assert.Equal(Private, Mode(path));
        Assert.Equal(3, (await store.Audit.ReadHeadAsync()).Seq);
        var (id, message) = Assert.Single(_warnings);
        Assert.Equal(StoreErrors.PermissionsFixed, id);
        Assert.Contains("AL1025", message, StringComparison.Ordinal);
        Assert.Contains(path, message, StringComparison.Ordinal);
        Assert.Contains("0644", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_readable_wal_and_shm_beside_the_store_are_made_0600_too()
    {
        var path = await ExistingStoreAsync("companions");
        await File.WriteAllBytesAsync(path + "-shm", new byte[32768]);
        File.SetUnixFileMode(path + "-shm", Shared | UnixFileMode.GroupRead);
        await File.WriteAllBytesAsync(path + "-wal", []);
        File.SetUnixFileMode(path + "-wal", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        await using var store = await OpenAsync(path);
        await store.Audit.AppendAsync(ChainSealer.Of(1));

        Assert.Equal(Private, Mode(path + "-wal"));
        Assert.Equal(Private, Mode(path + "-shm"));
        Assert.Equal(2, _warnings.Count(w => w.Id == StoreErrors.PermissionsFixed));
        Assert.Equal(4, (await store.Audit.ReadHeadAsync()).Seq);
    }

    [Fact]
    public async Task A_group_writable_store_is_refused_and_left_untouched()
    {
        var path = await ExistingStoreAsync("groupwrite");
        File.SetUnixFileMode(path, Shared | UnixFileMode.GroupWrite);
        var before = Digest(path);

        var refused = await Assert.ThrowsAsync<StoreException>(() => OpenAsync(path));

        Assert.Equal(StoreErrors.UnsafePermissions, refused.ErrorId);
        Assert.Contains("AL1024", refused.ToString(), StringComparison.Ordinal);
        Assert.Contains(path, refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, Digest(path));
        Assert.Equal(Shared | UnixFileMode.GroupWrite, Mode(path));
    }

    [Fact]
    public async Task A_world_writable_wal_planted_beside_the_store_is_refused()
    {
        var path = await ExistingStoreAsync("planted");
        await File.WriteAllBytesAsync(path + "-wal", []);
        File.SetUnixFileMode(path + "-wal", Shared | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite);

        var refused = await Assert.ThrowsAsync<StoreException>(() => OpenAsync(path));

        Assert.Equal(StoreErrors.UnsafePermissions, refused.ErrorId);
        Assert.Contains(path + "-wal", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_in_a_world_writable_directory_is_refused_and_nothing_is_created_there()
    {
        var directory = Path.Combine(_root, "world");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute);

        var refused = await Assert.ThrowsAsync<StoreException>(() => OpenAsync(Path.Combine(directory, "airlock.db")));

        Assert.Equal(StoreErrors.UnsafePermissions, refused.ErrorId);
        Assert.Contains("0777", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [Fact]
    public async Task A_store_in_a_sticky_world_writable_directory_such_as_tmp_is_refused()
    {
        var directory = Path.Combine(_root, "sticky");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute | UnixFileMode.StickyBit);

        var refused = await Assert.ThrowsAsync<StoreException>(() => OpenAsync(Path.Combine(directory, "airlock.db")));

        Assert.Equal(StoreErrors.UnsafePermissions, refused.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [Fact]
    public async Task A_store_in_a_group_writable_directory_is_refused()
    {
        var directory = Path.Combine(_root, "group");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute);

        var refused = await Assert.ThrowsAsync<StoreException>(() => OpenAsync(Path.Combine(directory, "airlock.db")));

        Assert.Equal(StoreErrors.UnsafePermissions, refused.ErrorId);
        Assert.Contains("its group", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_open_as_the_audit_commands_do_reads_a_0644_store_and_changes_nothing()
    {
        var path = await ExistingStoreAsync("readonly");
        File.SetUnixFileMode(path, Shared);
        var before = Digest(path);

        await using (var reader = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path), ReadOnly = true, Warning = (id, message) => _warnings.Add((id, message)) }))
        {
            Assert.Equal(3, (await reader.Audit.ReadHeadAsync()).Seq);
        }

        Assert.Equal(Shared, Mode(path));
        Assert.Equal(before, Digest(path));
        Assert.Empty(_warnings);
    }

    [Fact]
    public async Task Two_stores_opening_a_new_location_at_once_both_find_it_private()
    {
        var path = Path.Combine(_root, "race", "airlock.db");
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenAsync(path)));
        try
        {
            Assert.All(stores, s => Assert.Equal(4, s.SchemaVersion));
            Assert.Equal(Private, Mode(path));
            Assert.Empty(_warnings);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    private async Task<IAirlockStore> OpenAsync(string path) =>
        await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path), Warning = (id, message) => _warnings.Add((id, message)) });

    /// <summary>A store with three audit events in a private directory of its own, closed, as a gateway left it.</summary>
    private async Task<string> ExistingStoreAsync(string name)
    {
        var path = Path.Combine(_root, name, "airlock.db");
        await using (var store = await OpenAsync(path))
        {
            await using var keepOpen = await KeepOpenAsync(path);
            await store.Audit.AppendAsync(ChainSealer.Of(3));
        }

        SqliteConnection.ClearAllPools();
        _warnings.Clear();
        return path;
    }

    private static UnixFileMode Mode(string path) => File.GetUnixFileMode(path);

    /// <summary>
    /// An unpooled connection that reads the database and stays open: SQLite deletes -wal and -shm when the
    /// last connection closes, and other test classes clear every pool (SqliteConnection.ClearAllPools) at any
    /// moment, which would close the store's own.
    /// </summary>
    private static async Task<SqliteConnection> KeepOpenAsync(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT count(*) FROM sqlite_master";
        await read.ExecuteScalarAsync();
        return connection;
    }

    private static string Digest(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
