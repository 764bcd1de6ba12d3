using System.Text.Json;
using System.Text.RegularExpressions;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Policy;

public sealed class PolicyCheckCommandTests
{
    [Fact]
    public void The_sample_bundle_passes_check()
    {
        var result = CliRunner.Run("policy", "check", CliRunner.Samples);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("ok: ", result.Out, StringComparison.Ordinal);
        Assert.Contains("16 rules", result.Out, StringComparison.Ordinal);
        Assert.Matches(new Regex("revision sha256:[0-9a-f]{12}"), result.Out);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public void A_broken_copy_fails_with_file_line_col_and_stable_ids()
    {
        var bundle = CliRunner.CopySamples();
        try
        {
            var rules = Path.Combine(bundle, "rules", "databases.yaml");
            var text = File.ReadAllText(rules)
                .Replace("    deny:\n      resources: { labels: { env: prod } }\n      sql: [ddl", "    dney:\n      resources: { labels: { env: prod } }\n      sql: [ddl", StringComparison.Ordinal)
                .Replace("groups: [approvers]\n      resources: { labels: { env: prod } }\n      sql: [read", "groups: [aprovers]\n      resources: { labels: { env: prod } }\n      sql: [read", StringComparison.Ordinal);
            File.WriteAllText(rules, text);

            var result = CliRunner.Run("policy", "check", bundle);

            Assert.Equal(1, result.ExitCode);
            var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => Regex.IsMatch(l, @"rules/databases\.yaml:7:5: error AL0201: unknown key 'dney' in a rule \(did you mean 'deny'\?\)"));
            Assert.Contains(lines, l => Regex.IsMatch(l, @"rules/databases\.yaml:\d+:\d+: error AL0301: group 'aprovers' is not defined \(did you mean 'approvers'\?\)"));
            Assert.Contains(lines, l => l.Contains("error AL0206", StringComparison.Ordinal));
            Assert.Matches(new Regex(@"\d+ errors in "), result.Error);

            // A rule with a broken effect still declares its id: test cases naming it are not reported as well.
            Assert.DoesNotContain("AL0601", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public void Json_output_lists_every_error_with_its_location()
    {
        var bundle = CliRunner.CopySamples();
        try
        {
            File.WriteAllText(Path.Combine(bundle, "zz-bad.yaml"), "rules:\n  - id: broken\n    allow: { resources: [nowhere] }\n    colour: red\n");

            var result = CliRunner.Run("policy", "check", bundle, "--json");

            Assert.Equal(1, result.ExitCode);
            using var json = JsonDocument.Parse(result.Out);
            Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
            var errors = json.RootElement.GetProperty("errors").EnumerateArray().ToList();
            Assert.Contains(errors, e => e.GetProperty("id").GetString() == "AL0201" && e.GetProperty("line").GetInt32() == 4 && e.GetProperty("column").GetInt32() == 5);
            Assert.Contains(errors, e => e.GetProperty("id").GetString() == "AL0302" && e.GetProperty("line").GetInt32() == 3);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public void A_missing_directory_is_a_clear_error()
    {
        var result = CliRunner.Run("policy", "check", "/nonexistent/bundle");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error AL0101: bundle directory '/nonexistent/bundle' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pasted_secret_is_reported_without_being_echoed()
    {
        var bundle = CliRunner.CopySamples();
        const string planted = "Sup3rS3cretPassw0rd!";
        try
        {
            var resources = Path.Combine(bundle, "resources.yaml");
            File.WriteAllText(resources, File.ReadAllText(resources).Replace("password: env:AIRLOCK_DEMO_PASSWORD", $"password: \"{planted}\"", StringComparison.Ordinal));

            var text = CliRunner.Run("policy", "check", bundle);
            var json = CliRunner.Run("policy", "check", bundle, "--json");
            var test = CliRunner.Run("policy", "test", bundle);

            Assert.Equal(1, text.ExitCode);
            Assert.Contains("error AL0403", text.Error, StringComparison.Ordinal);
            foreach (var output in new[] { text.All, json.All, test.All })
            {
                Assert.DoesNotContain(planted, output, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
}
