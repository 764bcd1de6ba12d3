using Airlock.Gateway.Demo;
using Airlock.Gateway.Tests.Support;
using Npgsql;

namespace Airlock.Gateway.Tests.Demo;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the demo database runs PostgreSQL's Linux packages
public sealed class DemoDatabaseLifecycleTests
{
    private static DemoDatabaseOptions Small(string? directory) => new() { Directory = directory, Customers = 20, Orders = 40 };

    private static async Task<long> CountCustomersAsync(DemoDatabase database)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString()) { Pooling = false, Timeout = 5 }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM customers", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task In_a_directory_that_exists_it_removes_only_what_it_created_and_restores_the_directory()
    {
        using var dir = new TempDirectory("airlock-demo-test-");
        var marker = dir.Write("keep.txt", "mine");
        var modeBefore = File.GetUnixFileMode(dir.Path);

        var database = await DemoDatabase.StartAsync(Small(dir.Path));
        Assert.Equal(20L, await CountCustomersAsync(database));
        Assert.True(Directory.Exists(Path.Combine(dir.Path, "pgdata")));

        await database.StopAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => CountCustomersAsync(database));
        Assert.True(Directory.Exists(database.DataDirectory), "stop keeps the files");
        await database.DisposeAsync();

        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
        Assert.Equal("mine", await File.ReadAllTextAsync(marker));
        Assert.Equal(modeBefore, File.GetUnixFileMode(dir.Path));
    }

    [Fact]
    public async Task A_directory_it_made_is_removed_on_dispose()
    {
        using var parent = new TempDirectory("airlock-demo-test-");
        var directory = parent.Combine("demo", "nested");

        // The server's user (postgres, when the tests run as root) must pass through the parents it did not make.
        File.SetUnixFileMode(parent.Path, File.GetUnixFileMode(parent.Path) | UnixFileMode.OtherExecute);

        await using (var database = await DemoDatabase.StartAsync(Small(directory)))
        {
            Assert.Equal(20L, await CountCustomersAsync(database));
        }

        Assert.False(Directory.Exists(directory));
        Assert.True(Directory.Exists(parent.Combine("demo")), "only the directory it was asked for, which it made, is removed");
    }

    [Fact]
    public async Task A_parent_the_server_cannot_pass_is_named_and_what_was_made_is_removed_again()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            return; // as a normal user the server runs as that user, who can pass its own directories
        }

        using var parent = new TempDirectory("airlock-demo-test-");
        var directory = parent.Combine("demo", "nested");

        var error = await Assert.ThrowsAsync<GatewayException>(() => DemoDatabase.StartAsync(Small(directory)));

        Assert.Equal(GatewayErrors.DemoServerFailed, error.ErrorId);
        Assert.Contains("chmod o+x", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Without_a_directory_it_uses_a_temporary_one_and_removes_it()
    {
        string directory;
        await using (var database = await DemoDatabase.StartAsync(Small(null)))
        {
            directory = database.Directory;
            Assert.Equal(20L, await CountCustomersAsync(database));
        }

        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task A_directory_that_holds_a_cluster_already_is_refused_and_left_alone()
    {
        using var dir = new TempDirectory("airlock-demo-test-");
        var pgVersion = dir.Write("pgdata/PG_VERSION", "15\n");

        var error = await Assert.ThrowsAsync<GatewayException>(() => DemoDatabase.StartAsync(Small(dir.Path)));

        Assert.Equal(GatewayErrors.DemoDirectoryInUse, error.ErrorId);
        Assert.Contains(Path.Combine(dir.Path, "pgdata"), error.Message, StringComparison.Ordinal);
        Assert.Equal("15\n", await File.ReadAllTextAsync(pgVersion));
    }

    [Fact]
    public async Task Missing_binaries_are_named_with_the_package_to_install_and_nothing_is_created()
    {
        using var bin = new TempDirectory("airlock-demo-bin-");
        using var parent = new TempDirectory("airlock-demo-test-");
        var directory = parent.Combine("never");

        var error = await Assert.ThrowsAsync<GatewayException>(() => DemoDatabase.StartAsync(Small(directory) with { BinDirectory = bin.Path }));

        Assert.Equal(GatewayErrors.DemoBinariesMissing, error.ErrorId);
        Assert.Contains("initdb, pg_ctl, postgres", error.Message, StringComparison.Ordinal);
        Assert.Contains(bin.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql-15", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }
}
