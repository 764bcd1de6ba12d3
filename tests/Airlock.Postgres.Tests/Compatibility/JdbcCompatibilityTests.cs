using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Compatibility;

/// <summary>
/// The PostgreSQL JDBC driver (Debian's libpostgresql-jdbc-java, run by the JRE as a single-file source
/// program, jdbc/Check.java): the extended protocol throughout, named server-side statements from the
/// fifth run on, binary transfer of the columns it knows the types of.
/// </summary>
public sealed class JdbcCompatibilityTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    private const string InstallHint = "Run ./test.sh, which installs default-jre-headless and libpostgresql-jdbc-java.";

    [Fact]
    public async Task A_prepared_statement_a_denied_drop_a_held_update_and_a_query_after_them()
    {
        var result = await RunCheckAsync();
        Assert.True(result.ExitCode == 0, ClientPrograms.Describe(result));
        Assert.StartsWith("42.", ClientPrograms.Value(result, "driver"), StringComparison.Ordinal);

        // Eight runs of one PreparedStatement: the first four unnamed, then a named statement whose later
        // Binds come without a Describe (regression: those rows came back NULL).
        var rows = ClientPrograms.Values(result, "row");
        Assert.Equal(8, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Matches($@"^{i + 1} tok_\w+ \*+1111$", rows[i]);
        }

        Assert.DoesNotContain(SampleData.Email, result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("42501 ERROR: AL0901: denied by policy rule no-ddl-in-prod: Schema changes go through migrations, not the gateway.", ClientPrograms.Value(result, "denied"));
        Assert.Equal("3000", ClientPrograms.Value(result, "orders"));
        Assert.StartsWith("42501 ERROR: AL0902: approval required by policy rule prod-writes-need-review", ClientPrograms.Value(result, "held"), StringComparison.Ordinal);
        Assert.Equal("still here", ClientPrograms.Value(result, "after"));
        Assert.Equal("t", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT to_regclass('public.orders') IS NOT NULL AND NOT EXISTS (SELECT FROM orders WHERE status = 'refunded')")).Trim());
    }

    private Task<Airlock.TestSupport.ProcessResult> RunCheckAsync() => ClientPrograms.RunAsync(
        "java",
        ["-cp", ClientPrograms.JdbcJar, ClientPrograms.Source("jdbc", "Check.java"), gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "alice", GatewayHarness.AliceToken],
        installHint: InstallHint);
}
