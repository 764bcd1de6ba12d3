using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Compatibility;

/// <summary>
/// psycopg 3 (Debian's python3-psycopg, run by /usr/bin/python3, python/check.py): server-side parameter
/// binding over the extended protocol, statements it prepares by name after five runs, binary results,
/// its error classes, and a transaction.
/// </summary>
public sealed class PsycopgCompatibilityTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task Bound_parameters_binary_results_refusals_and_a_transaction()
    {
        var result = await ClientPrograms.RunAsync(
            ClientPrograms.DebianPython,
            [ClientPrograms.Source("python", "check.py"), gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", GatewayHarness.AliceToken],
            installHint: "Run ./test.sh, which installs python3-psycopg.");
        Assert.True(result.ExitCode == 0, ClientPrograms.Describe(result));
        Assert.StartsWith("3.", ClientPrograms.Value(result, "psycopg"), StringComparison.Ordinal);

        var rows = ClientPrograms.Values(result, "row");
        Assert.Equal(7, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Matches($@"^{i + 1} tok_\w+ \*+1111$", rows[i]);
        }

        Assert.Matches(@"^tok_\w+ \[SSN\]$", ClientPrograms.Value(result, "binary"));
        Assert.DoesNotContain(SampleData.Email, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleData.Ssn, result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("42501 AL0901: denied by policy rule no-ddl-in-prod: Schema changes go through migrations, not the gateway.", ClientPrograms.Value(result, "denied"));
        Assert.StartsWith("42501 AL0902: approval required by policy rule prod-writes-need-review", ClientPrograms.Value(result, "held"), StringComparison.Ordinal);
        Assert.Equal("3000", ClientPrograms.Value(result, "paid"));
        Assert.Equal("[SSN]", ClientPrograms.Value(result, "in_transaction"));
    }
}
