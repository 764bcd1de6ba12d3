using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Gateway;

/// <summary>What airlock connect and logout do with the logins file alone, before any gateway is asked.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes
public sealed class StoredLoginsTests : IDisposable
{
    private const string Gateway = "http://127.0.0.1:1";
    private readonly string _dir = Directory.CreateTempSubdirectory("airlock-logins-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_logins_file_that_airlock_did_not_write_is_refused_with_what_to_do()
    {
        Write("{ not json");
        var result = CliRunner.Run("connect", "demo", "--print", "--gateway", Gateway, "--config-dir", _dir);
        Assert.Equal(AirlockCli.Usage, result.ExitCode);
        Assert.Contains("is not a logins file airlock wrote", result.Error, StringComparison.Ordinal);
        Assert.Contains("airlock login", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_login_is_not_used_and_no_login_at_all_says_to_log_in()
    {
        Write($$"""{ "logins": [ { "gateway": "{{Gateway}}", "user": "dave", "token": "als_x", "id": "lgn_1", "expires_at": "2020-01-01T00:00:00+00:00", "postgres_port": 5432 } ] }""");
        var expired = CliRunner.Run("connect", "demo", "--print", "--gateway", Gateway, "--config-dir", _dir);
        Assert.Equal(AirlockCli.Usage, expired.ExitCode);
        Assert.Contains("expired at 2020-01-01 00:00Z: run airlock login again", expired.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "pgpass")));

        var other = CliRunner.Run("connect", "demo", "--print", "--gateway", "http://127.0.0.1:2", "--config-dir", _dir);
        Assert.Contains("not logged in to http://127.0.0.1:2: run airlock login first", other.Error, StringComparison.Ordinal);
        var logout = CliRunner.Run("logout", "--gateway", "http://127.0.0.1:2", "--config-dir", _dir);
        Assert.Equal(AirlockCli.Failed, logout.ExitCode);
    }

    private void Write(string text)
    {
        var path = Path.Combine(_dir, "logins.json");
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
