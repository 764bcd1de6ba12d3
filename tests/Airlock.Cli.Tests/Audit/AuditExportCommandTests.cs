using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Audit;

public sealed class AuditExportCommandTests(AuditStoreFixture fixture) : IClassFixture<AuditStoreFixture>
{
    private AuditTestStore Store => fixture.Store;

    /// <summary>
    /// Checks an export the way a SIEM would, with nothing but the documented format: each line is the event
    /// body with ,"hash":"…" inserted before its last brace, and hash(n) = SHA-256(hash(n-1) ‖ body(n)).
    /// </summary>
    internal static void AssertChainRecomputes(string export, int expectedEvents)
    {
        Assert.EndsWith("\n", export, StringComparison.Ordinal);
        var lines = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expectedEvents, lines.Length);
        var previous = new byte[32];
        var seq = 0L;
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            var hash = json.RootElement.GetProperty("hash").GetString()!;
            Assert.Matches("^[0-9a-f]{64}$", hash);
            Assert.Equal(++seq, json.RootElement.GetProperty("seq").GetInt64());

            var suffix = $",\"hash\":\"{hash}\"}}";
            Assert.EndsWith(suffix, line, StringComparison.Ordinal);
            var body = Encoding.UTF8.GetBytes(line[..^suffix.Length] + "}");
            using (var original = JsonDocument.Parse(body))
            {
                Assert.False(original.RootElement.TryGetProperty("hash", out _));
            }

            var computed = SHA256.HashData([.. previous, .. body]);
            Assert.Equal(hash, Convert.ToHexStringLower(computed));
            previous = computed;
        }
    }

    [Fact]
    public void Exports_json_lines_to_standard_output_whose_chain_recomputes()
    {
        var result = CliRunner.Run("audit", "export", "--store", Store.Location);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
        AssertChainRecomputes(result.Out, 24);
    }

    [Fact]
    public void Exports_to_a_file_with_a_final_count_on_standard_error()
    {
        var file = Path.Combine(Store.Directory, "export-" + Guid.NewGuid().ToString("N") + ".jsonl");
        File.WriteAllText(file, new string('x', 100_000)); // truncated, not appended to

        var result = CliRunner.Run("audit", "export", "--store", Store.Location, "--output", file, "--progress");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains($"exported 24 events to {file}", result.Error, StringComparison.Ordinal);
        Assert.Contains("exported 24 events\n", result.Error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        AssertChainRecomputes(File.ReadAllText(file), 24);

        var stdout = CliRunner.Run("audit", "export", "--store", Store.Location);
        Assert.Equal(stdout.Out, File.ReadAllText(file));
    }

    [Fact]
    public void Filtered_exports_and_json_output_of_tail_and_search_are_the_same_lines()
    {
        var export = CliRunner.Run("audit", "export", "--store", Store.Location, "--user", "bob");
        var search = CliRunner.Run("audit", "search", "--store", Store.Location, "--user", "bob", "--json");
        var tail = CliRunner.Run("audit", "tail", "--store", Store.Location, "-n", "100", "--user", "bob", "--json");

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(12, export.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(export.Out, search.Out);
        Assert.Equal(export.Out, tail.Out);
    }

    [Fact]
    public void An_unwritable_output_is_a_usage_error()
    {
        var result = CliRunner.Run("audit", "export", "--store", Store.Location, "--output", Path.Combine(Store.Directory, "no-such-dir", "x.jsonl"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cannot be written", result.Error, StringComparison.Ordinal);
    }
}
