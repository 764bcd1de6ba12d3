using System.Xml.Linq;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Policy;

public sealed class PolicyTestCommandTests
{
    [Fact]
    public void The_sample_bundle_passes_with_full_rule_coverage()
    {
        var result = CliRunner.Run("policy", "test", CliRunner.Samples);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Rule coverage: 16/16 rules decided at least one case (100%)", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\d+ passed, 0 failed\r?$", result.Out);
        Assert.DoesNotContain("not exercised", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_expectation_fails_with_expected_versus_actual_and_a_junit_report()
    {
        var bundle = CliRunner.CopySamples();
        var junit = Path.Combine(bundle, "report.xml");
        try
        {
            File.WriteAllText(Path.Combine(bundle, "tests", "zz-wrong.yaml"), """
                cases:
                  - name: alice may drop tables (she may not)
                    given: { user: alice, resource: demo, sql: { kind: ddl, tables: [orders] } }
                    expect: { decision: allow, rule: prod-engineer-reads }
                """);

            var result = CliRunner.Run("policy", "test", bundle, "--junit", junit);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("FAIL  alice may drop tables (she may not)", result.Out, StringComparison.Ordinal);
            Assert.Contains("decision: expected allow, got deny", result.Out, StringComparison.Ordinal);
            Assert.Contains("rule: expected prod-engineer-reads, got no-ddl-in-prod", result.Out, StringComparison.Ordinal);
            Assert.Contains("matched: no-ddl-in-prod [deny, ", result.Out, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^\d+ passed, 1 failed\r?$", result.Out);

            var xml = XDocument.Load(junit);
            var suite = xml.Root!.Element("testsuite")!;
            Assert.Equal("1", suite.Attribute("failures")!.Value);
            var failed = Assert.Single(suite.Elements("testcase"), e => e.Element("failure") is not null);
            Assert.Equal("alice may drop tables (she may not)", failed.Attribute("name")!.Value);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public void Uncovered_rules_are_listed()
    {
        var bundle = CliRunner.CopySamples();
        try
        {
            File.Delete(Path.Combine(bundle, "tests", "operations.yaml"));

            var result = CliRunner.Run("policy", "test", bundle);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("not exercised: k8s-read-only", result.Out, StringComparison.Ordinal);
            Assert.Contains("not exercised: stripe-lookups", result.Out, StringComparison.Ordinal);
            Assert.Contains("Rule coverage: 11/16", result.Out, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }

    [Fact]
    public void An_invalid_bundle_is_not_tested()
    {
        var bundle = CliRunner.CopySamples();
        try
        {
            File.AppendAllText(Path.Combine(bundle, "people.yaml"), "\n  extra: [unclosed\n");

            var result = CliRunner.Run("policy", "test", bundle);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("error AL0104", result.Error, StringComparison.Ordinal);
            Assert.Contains("the bundle was not loaded", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(bundle, recursive: true);
        }
    }
}
