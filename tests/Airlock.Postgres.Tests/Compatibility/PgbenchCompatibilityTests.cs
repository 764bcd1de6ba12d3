using System.Globalization;
using System.Text.RegularExpressions;
using Airlock.Postgres.Tests.Support;
using Airlock.TestSupport;

namespace Airlock.Postgres.Tests.Compatibility;

/// <summary>
/// pgbench through the gateway: several connections at once, as fast as they can go, in each query mode.
/// Its tables are made directly in the cluster (pgbench -i), never through the gateway. The select-only
/// script runs under the sample policy; the default TPC-B script writes, so it runs under a policy that
/// lets alice write (<see cref="BenchGatewayHarness"/>), and is held for review under the sample one.
/// </summary>
public sealed partial class PgbenchCompatibilityTests(GatewayHarness gateway, BenchGatewayHarness bench) : IClassFixture<GatewayHarness>, IClassFixture<BenchGatewayHarness>
{
    [Theory]
    [InlineData("simple")]
    [InlineData("extended")]
    [InlineData("prepared")]
    public async Task The_select_only_script_runs_in_every_query_mode(string mode)
    {
        await InitializeAsync(gateway);
        var result = await PgbenchAsync(gateway, "-S", "-M", mode);
        AssertRan(result, mode);
    }

    [Theory]
    [InlineData("simple")]
    [InlineData("prepared")]
    public async Task The_default_script_runs_where_policy_allows_its_writes(string mode)
    {
        await InitializeAsync(bench);
        var before = long.Parse(await bench.Cluster.RunPsqlAsync("demo", "SELECT count(*) FROM pgbench_history"), CultureInfo.InvariantCulture);
        var result = await PgbenchAsync(bench, "-M", mode);
        var transactions = AssertRan(result, mode);
        var after = long.Parse(await bench.Cluster.RunPsqlAsync("demo", "SELECT count(*) FROM pgbench_history"), CultureInfo.InvariantCulture);
        Assert.Equal(transactions, after - before); // each TPC-B transaction inserts one history row
    }

    [Fact]
    public async Task The_default_script_is_held_for_review_under_the_sample_policy()
    {
        await InitializeAsync(gateway);
        var result = await PgbenchAsync(gateway, "-M", "prepared");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AL0902: approval required by policy rule prod-writes-need-review", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("0", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT count(*) FROM pgbench_history")).Trim());
    }

    /// <summary>pgbench -i, straight to the cluster as its superuser; once per cluster (a class's tests run one at a time).</summary>
    private static async Task InitializeAsync(GatewayHarness harness)
    {
        if ((await harness.Cluster.RunPsqlAsync("demo", "SELECT to_regclass('public.pgbench_accounts') IS NOT NULL")).Trim() == "t")
        {
            return;
        }

        var result = await ClientPrograms.RunAsync(
            ClientPrograms.Pgbench,
            ["-i", "-s", "1", "-q", "-h", harness.Cluster.Host, "-p", harness.Cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", harness.Cluster.SuperUser, "demo"],
            new Dictionary<string, string> { ["PGPASSWORD"] = harness.Cluster.Password, ["PGSSLMODE"] = "disable" });
        Assert.True(result.ExitCode == 0, ClientPrograms.Describe(result));
    }

    /// <summary>Three seconds, two clients, no vacuum (VACUUM is not a statement the gateway lets alice run).</summary>
    private static Task<ProcessResult> PgbenchAsync(GatewayHarness harness, params string[] args) =>
        ClientPrograms.RunAsync(ClientPrograms.Pgbench, ["-n", "-T", "3", "-c", "2", .. args], harness.LibpqEnvironment());

    private static long AssertRan(ProcessResult result, string mode)
    {
        Assert.True(result.ExitCode == 0, ClientPrograms.Describe(result));
        Assert.Contains($"query mode: {mode}", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("error", result.StandardOutput + result.StandardError, StringComparison.OrdinalIgnoreCase);
        var processed = Processed().Match(result.StandardOutput);
        Assert.True(processed.Success, ClientPrograms.Describe(result));
        var transactions = long.Parse(processed.Groups["n"].Value, CultureInfo.InvariantCulture);
        Assert.True(transactions > 0, ClientPrograms.Describe(result));
        Assert.Contains("number of failed transactions: 0 (0.000%)", result.StandardOutput, StringComparison.Ordinal);
        return transactions;
    }

    [GeneratedRegex(@"number of transactions actually processed: (?<n>\d+)", RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Processed();
}
