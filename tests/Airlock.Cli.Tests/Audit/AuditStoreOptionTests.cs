using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

/// <summary>
/// How the store is named and what happens when it cannot be opened. These tests set AIRLOCK_STORE, so they
/// live in one class (xunit runs a class's tests one at a time); every other audit test passes --store.
/// </summary>
public sealed class AuditStoreOptionTests
{
    private static readonly string[] StoreCommands = ["verify", "tail", "search", "export"];

    [Fact]
    public void Without_store_or_variable_every_store_command_is_a_usage_error_that_explains_the_forms()
    {
        WithStoreVariable(null, () =>
        {
            foreach (var command in StoreCommands)
            {
                var result = CliRunner.Run("audit", command);

                Assert.Equal(2, result.ExitCode);
                Assert.Contains("no store given: pass --store LOCATION or set AIRLOCK_STORE", result.Error, StringComparison.Ordinal);
                Assert.Contains("sqlite:PATH", result.Error, StringComparison.Ordinal);
                Assert.Contains("postgres://user@host:port/db", result.Error, StringComparison.Ordinal);
                Assert.Contains("env:NAME", result.Error, StringComparison.Ordinal);
            }
        });
    }

    [Fact]
    public async Task The_variable_names_the_store_when_the_option_is_absent()
    {
        using var store = await AuditTestStore.CreateAsync(events: 3);

        WithStoreVariable(store.Location, () =>
        {
            var result = CliRunner.Run("audit", "verify", "--public-key", store.PublicKeyPath);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains(store.StorePath, result.Out, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void A_store_that_does_not_exist_is_unavailable_and_is_not_created()
    {
        var path = Path.Combine(Path.GetTempPath(), "airlock-cli-missing-" + Guid.NewGuid().ToString("N"), "airlock.db");

        foreach (var command in StoreCommands)
        {
            var result = CliRunner.Run("audit", command, "--store", path);

            Assert.Equal(69, result.ExitCode);
            Assert.StartsWith($"airlock: error AL0702: the store {path} does not exist", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public void A_file_that_is_not_a_store_is_unavailable()
    {
        var path = Path.Combine(Path.GetTempPath(), "airlock-cli-" + Guid.NewGuid().ToString("N") + ".db");
        File.WriteAllText(path, "this is not SQLite");
        try
        {
            var result = CliRunner.Run("audit", "verify", "--store", path);

            Assert.Equal(69, result.ExitCode);
            Assert.Matches(@"^airlock: error AL07\d\d: ", result.Error);
            Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("env:AIRLOCK_CLI_TEST_UNSET_VARIABLE")]
    [InlineData("sqlite:")]
    public void A_malformed_location_is_a_usage_error(string location)
    {
        var result = CliRunner.Run("audit", "search", "--store", location);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("airlock: error AL0701: ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_the_location_never_appears_in_the_error()
    {
        // Port 1 on loopback refuses at once: the store is unavailable.
        const string password = "Pl4ntedS3cret";
        var uri = CliRunner.Run("audit", "verify", "--store", $"postgres://airlock:{password}@127.0.0.1:1/airlock");
        var keywords = CliRunner.Run("audit", "search", "--store", $"postgres:Host=127.0.0.1;Port=1;Username=airlock;Password={password};Database=airlock;Timeout=5");

        foreach (var result in new[] { uri, keywords })
        {
            Assert.Equal(69, result.ExitCode);
            Assert.StartsWith("airlock: error AL07", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(password, result.All, StringComparison.Ordinal);
        }
    }

    private static void WithStoreVariable(string? value, Action test)
    {
        var saved = Environment.GetEnvironmentVariable("AIRLOCK_STORE");
        Environment.SetEnvironmentVariable("AIRLOCK_STORE", value);
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable("AIRLOCK_STORE", saved);
        }
    }
}
