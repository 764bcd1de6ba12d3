using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Compatibility;

/// <summary>
/// node-postgres (npm pg, pinned in node/package-lock.json and installed by test.sh with npm ci): the simple
/// protocol for a query without parameters, the extended one (Parse/Bind/Describe/Execute/Sync) with them,
/// named statements, and its error objects.
/// </summary>
public sealed class NodePostgresCompatibilityTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task Simple_and_parameterized_queries_are_masked_and_refusals_carry_their_sqlstate()
    {
        var directory = ClientPrograms.Source("node");
        Assert.True(
            Directory.Exists(Path.Combine(directory, "node_modules", "pg")),
            $"node-postgres is not installed in {directory}: run ./test.sh (or npm ci there).");
        var result = await ClientPrograms.RunAsync(
            "node",
            [Path.Combine(directory, "check.js"), gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", GatewayHarness.AliceToken],
            installHint: "Run ./test.sh, which installs node and npm when they are missing.");
        Assert.True(result.ExitCode == 0, ClientPrograms.Describe(result));

        var simple = ClientPrograms.Values(result, "simple");
        Assert.Equal(2, simple.Count);
        Assert.Matches(@"^1 tok_\w+ \*+1111$", simple[0]);
        Assert.Matches(@"^2 tok_\w+ \*+1111$", simple[1]);
        Assert.Matches(@"^1 tok_\w+ \[SSN\]$", ClientPrograms.Value(result, "parameterized"));
        var named = ClientPrograms.Values(result, "named");
        Assert.Equal(3, named.Count);
        Assert.All(named, row => Assert.Matches(@"^\d tok_\w+ tok_\w+$", row)); // full_name masked by its name, email by policy
        Assert.DoesNotContain(SampleData.Email, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Customer 1", result.StandardOutput, StringComparison.Ordinal);

        Assert.Equal(
            [
                "42501 AL0901: denied by policy rule no-ddl-in-prod: Schema changes go through migrations, not the gateway.",
                "42501 AL0902: approval required by policy rule prod-writes-need-review: Writes to production need a second pair of eyes.",
                "42501 AL0902: approval required by policy rule prod-writes-need-review: Writes to production need a second pair of eyes.",
            ],
            ClientPrograms.Values(result, "refused").Select(WithoutRequestId));

        // The simple query's refusal names the approval request it made (the parameterized one, prepared in a
        // read-only session, makes none: docs/approvals.md).
        Assert.Single(ClientPrograms.Values(result, "refused"), v => v.Contains(" Request apr_", StringComparison.Ordinal));
        Assert.Empty(ClientPrograms.Values(result, "ran"));
        Assert.Equal("3000", ClientPrograms.Value(result, "orders"));
    }

    private static string WithoutRequestId(string refusal) =>
        System.Text.RegularExpressions.Regex.Replace(refusal, @" Request apr_[0-9a-f]{20} is waiting for an approver\.$", string.Empty);
}
