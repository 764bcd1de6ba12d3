using System.Text;
using System.Text.Json;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Mask;

public sealed class MaskCommandTests
{
    [Fact]
    public void Masks_standard_input_to_standard_output()
    {
        var result = CliRunner.RunWithInput("paid by ann@example.com with 4111 1111 1111 1111 at 2026-11-22T10:00:00Z\n", "mask");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("paid by ***@example.com with **** **** **** 1111 at 2026-11-22T10:00:00Z\n", result.Out);
    }

    [Fact]
    public void Json_lines_report_findings_without_values()
    {
        var result = CliRunner.RunWithInput("a ann@example.com b 4111111111111111\n", "mask", "--json");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var findings = lines.Where(l => l.TryGetProperty("finding", out _)).Select(l => l.GetProperty("finding")).ToList();
        Assert.Equal(["email", "card"], findings.Select(f => f.GetProperty("type").GetString()));
        Assert.Equal(2, findings[0].GetProperty("start").GetInt64());
        Assert.Equal(15, findings[0].GetProperty("length").GetInt32());
        Assert.Equal("email-tld", findings[0].GetProperty("detector").GetString());
        var text = string.Concat(lines.Where(l => l.TryGetProperty("text", out _)).Select(l => l.GetProperty("text").GetString()));
        Assert.Equal("a ***@example.com b ************1111\n", text);
        var counts = lines[^1];
        Assert.Equal(2, counts.GetProperty("total").GetInt64());
        Assert.DoesNotContain("ann@example.com", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_bundle_chooses_the_strategies()
    {
        var result = CliRunner.RunWithInput("ann@example.com", "mask", "--policy", CliRunner.Samples);

        Assert.Equal(0, result.ExitCode);
        Assert.Matches("^tok_[a-z2-7]{16}$", result.Out);
    }

    [Fact]
    public void A_broken_policy_bundle_masks_nothing_and_says_why()
    {
        var result = CliRunner.RunWithInput("ann@example.com", "mask", "--policy", "/nonexistent");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("AL0101", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Large_input_streams_through()
    {
        var line = "2026-11-22T10:00:00Z INFO user=ann@example.com amount=12.50 id=550e8400-e29b-41d4-a716-446655440000\n";
        var input = new StringBuilder();
        for (var i = 0; i < 50_000; i++)
        {
            input.Append(line);
        }

        var result = CliRunner.RunWithInput(input.ToString(), "mask");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(input.ToString().Replace("ann@example.com", "***@example.com", StringComparison.Ordinal), result.Out);
    }
}
