using Airlock.Cli.Tests.Support;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Store;
using Microsoft.Data.Sqlite;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 14, class J, as people run Airlock: <c>airlock serve</c> and <c>airlock demo</c> leave the SQLite store
/// (and its -wal and -shm) readable and writable by their owner only, refuse a store others may write
/// (AL1024), make a readable one private with a warning (AL1025), and the audit commands still read the store.
/// Store-level cases are in Airlock.Store.Tests (Adversarial/ClassJ_StoreOnDiskTests).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClassJ_ServeAndDemoStoreTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode ForOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _root = Directory.CreateTempSubdirectory("airlock-classj-serve-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var directory in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Serve_makes_its_store_wal_and_shm_0600_in_a_0700_directory_and_the_audit_commands_read_it()
    {
        var store = Path.Combine(_root, "state", "airlock.db");
        await using (var host = await StartAsync(Config("sqlite:./state/airlock.db")))
        {
            Assert.Equal(Private, File.GetUnixFileMode(store));
            Assert.Equal(Private, File.GetUnixFileMode(store + "-wal"));
            Assert.Equal(Private, File.GetUnixFileMode(store + "-shm"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(_root, "state")));
            Assert.Empty(host.StoreWarnings);

            var tail = CliRunner.Run("audit", "tail", "--store", "sqlite:" + store, "-n", "5");
            Assert.True(tail.ExitCode == 0, tail.Error);
            Assert.Contains("policy.loaded", tail.Out, StringComparison.Ordinal);
        }

        var verify = CliRunner.Run("audit", "verify", "--store", "sqlite:" + store);
        Assert.True(verify.ExitCode == 0, verify.All);
        Assert.Contains("OK", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_a_store_an_older_build_left_0644_makes_it_private_and_says_so()
    {
        var store = Path.Combine(_root, "old", "airlock.db");
        await using (await StartAsync(Config("sqlite:./old/airlock.db")))
        {
        }

        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(store, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var again = await StartAsync(Config("sqlite:./old/airlock.db"));
        Assert.Equal(Private, File.GetUnixFileMode(store));
        var warning = Assert.Single(again.StoreWarnings);
        Assert.StartsWith("AL1025", warning, StringComparison.Ordinal);
        Assert.Contains(store, warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_refuses_a_store_that_its_group_may_write_and_says_why_with_the_id()
    {
        var store = Path.Combine(_root, "shared", "airlock.db");
        await using (await StartAsync(Config("sqlite:./shared/airlock.db")))
        {
        }

        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(store, Private | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        var before = await File.ReadAllBytesAsync(store);

        var serve = CliRunner.Run("serve", "--config", Config("sqlite:./shared/airlock.db"));

        Assert.Equal(AirlockCli.Unavailable, serve.ExitCode);
        Assert.Contains("error AL1024", serve.Error, StringComparison.Ordinal);
        Assert.Contains(store, serve.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(store));
    }

    [Fact]
    public void Serve_refuses_a_store_in_a_world_writable_directory_and_creates_nothing_there()
    {
        var shared = Path.Combine(_root, "tmp-like");
        Directory.CreateDirectory(shared);
        File.SetUnixFileMode(shared, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | ForOthers | UnixFileMode.StickyBit);

        var serve = CliRunner.Run("serve", "--config", Config("sqlite:./tmp-like/airlock.db"));

        Assert.Equal(AirlockCli.Unavailable, serve.ExitCode);
        Assert.Contains("error AL1024", serve.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(shared));
    }

    [Fact]
    public async Task The_demo_keeps_its_store_tokens_and_secrets_from_other_local_users()
    {
        // Not under the test's 0700 directory: as root, the demo's server (user postgres) must reach its data.
        var directory = Path.Combine(Path.GetTempPath(), "airlock-classj-demo-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using (var demo = await DemoEnvironment.StartAsync(directory, gatewayPort: 0, httpPort: 0, CliRunner.Samples))
            {
                var store = Path.Combine(directory, "airlock.db");
                foreach (var file in new[] { store, store + "-wal", store + "-shm", demo.DemoJsonPath, Path.Combine(directory, "secrets", "admin-token"), Path.Combine(directory, "secrets", "bob-totp") })
                {
                    Assert.True((File.GetUnixFileMode(file) & ForOthers) == UnixFileMode.None, $"{file} is {File.GetUnixFileMode(file)}");
                }

                // Made 0700; as root, the demo's PostgreSQL runs as postgres, who is let through (o+x) but may not list it.
                var mode = File.GetUnixFileMode(directory);
                Assert.Equal(UnixFileMode.None, mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite));
                Assert.Empty(demo.Gateway.StoreWarnings);

                var tail = CliRunner.Run("audit", "tail", "--store", "sqlite:" + store, "-n", "3");
                Assert.True(tail.ExitCode == 0, tail.Error);
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_second_gateway_on_the_same_private_store_opens_it_without_warnings()
    {
        var path = Config("sqlite:./pair/airlock.db");
        await using var first = await StartAsync(path);
        await using var second = await StartAsync(Config("sqlite:./pair/airlock.db", "gw-2"));
        Assert.Empty(first.StoreWarnings);
        Assert.Empty(second.StoreWarnings);
        Assert.Equal(Private, File.GetUnixFileMode(Path.Combine(_root, "pair", "airlock.db")));
    }

    private static async Task<GatewayHost> StartAsync(string configPath)
    {
        var loaded = GatewayConfigLoader.Load(configPath);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        return await GatewayHost.StartAsync(loaded.Config!);
    }

    /// <summary>A minimal gateway config in the test's directory (free ports, the sample policy, no upstream needed).</summary>
    private string Config(string store, string instance = "classj")
    {
        var path = Path.Combine(_root, instance + "-" + Guid.NewGuid().ToString("N")[..6] + ".yaml");
        File.WriteAllText(path, $"""
            listen:
              postgres: 127.0.0.1:0
              http: 127.0.0.1:0
            policy: "{CliRunner.Samples}"
            store: {store}
            instance: {instance}
            """);
        return path;
    }
}
