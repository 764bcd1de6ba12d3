using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests;

public sealed class CliHelpTests
{
    [Fact]
    public void Help_lists_the_commands()
    {
        var root = CliRunner.Run("--help");
        var policy = CliRunner.Run("policy", "--help");

        Assert.Equal(0, root.ExitCode);
        Assert.Contains("policy", root.Out, StringComparison.Ordinal);
        foreach (var command in new[] { "check", "test", "explain" })
        {
            Assert.Contains(command, policy.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Audit_help_lists_its_commands()
    {
        var audit = CliRunner.Run("audit", "--help");

        Assert.Equal(0, audit.ExitCode);
        foreach (var command in new[] { "verify", "tail", "search", "export", "keygen", "public-key" })
        {
            Assert.Contains(command, audit.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unknown_command_is_a_usage_error()
    {
        var result = CliRunner.Run("polcy");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unrecognized command or argument 'polcy'", result.Error, StringComparison.Ordinal);
    }
}
