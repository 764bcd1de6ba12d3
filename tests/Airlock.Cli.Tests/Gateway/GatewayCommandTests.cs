using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Gateway;

/// <summary>serve and sessions fail with clear messages and the right exit codes before anything runs.</summary>
public sealed class GatewayCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-cli-gw-").FullName;

    [Fact]
    public void Serve_needs_a_config()
    {
        var result = CliRunner.Run("serve");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--config", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_with_a_broken_config_lists_every_problem_at_its_line_and_does_not_start()
    {
        var path = Path.Combine(_directory, "airlock.yaml");
        File.WriteAllText(path, "listen:\n  postgress: 127.0.0.1:15432\nstore: sqlite:./a.db\nusers:\n  alice: { token: hunter2-literal }\n");
        var result = CliRunner.Run("serve", "--config", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{path}:2:3", result.Error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'postgres'", result.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("the gateway did not start", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-literal", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sessions_list_without_a_token_is_a_usage_error()
    {
        Environment.SetEnvironmentVariable("AIRLOCK_ADMIN_TOKEN", null);
        var result = CliRunner.Run("sessions", "list", "--gateway", "http://127.0.0.1:9");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no admin token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sessions_list_against_no_gateway_says_it_cannot_reach_it()
    {
        var token = Path.Combine(_directory, "token");
        File.WriteAllText(token, "alk_x");
        var result = CliRunner.Run("sessions", "list", "--gateway", "http://127.0.0.1:9", "--token-file", token);
        Assert.Equal(69, result.ExitCode);
        Assert.Contains("AL0816: cannot reach the gateway's admin API", result.Error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
