using Airlock.Postgres.Tests.Support;
using Airlock.TestSupport;

namespace Airlock.Postgres.Tests.Compatibility;

/// <summary>
/// psql's own features through the gateway: its describe commands (catalog queries with regex operators
/// and catalog functions), expanded output, \copy in both directions and ON_ERROR_STOP in a script.
/// </summary>
public sealed class PsqlCompatibilityTests(GatewayHarness gateway, BenchGatewayHarness bench) : IClassFixture<GatewayHarness>, IClassFixture<BenchGatewayHarness>
{
    private static readonly string Psql = Path.Combine(PostgresCluster.DefaultBinDirectory, "psql");

    [Fact]
    public async Task Describe_table_lists_its_columns_types_and_keys()
    {
        var result = await PsqlAsync(gateway, "-c", @"\d customers");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Table \"public.customers\"", result.StandardOutput, StringComparison.Ordinal);
        foreach (var column in new[] { "id", "full_name", "email", "phone", "card_number", "ssn", "created_at" })
        {
            Assert.Contains($" {column} ", result.StandardOutput, StringComparison.Ordinal);
        }

        Assert.Contains("timestamp with time zone", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"customers_pkey\" PRIMARY KEY, btree (id)", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("TABLE \"orders\" CONSTRAINT \"orders_customer_id_fkey\" FOREIGN KEY (customer_id) REFERENCES customers(id)", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ERROR", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_tables_shows_both_demo_tables()
    {
        var result = await PsqlAsync(gateway, "-c", @"\dt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Matches(@"public \| customers \| table \| postgres", result.StandardOutput);
        Assert.Matches(@"public \| orders +\| table \| postgres", result.StandardOutput);
        Assert.Contains("(2 rows)", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expanded_output_shows_one_record_per_block_masked()
    {
        var result = await PsqlAsync(gateway, "-c", @"\x", "-c", "SELECT id, email, card_number FROM customers WHERE id IN (1, 2) ORDER BY id");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Expanded display is on.", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("-[ RECORD 1 ]", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("-[ RECORD 2 ]", result.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^id +\| 1$", result.StandardOutput);
        Assert.Matches(@"(?m)^email +\| \S+", result.StandardOutput);
        Assert.DoesNotContain(SampleData.Email, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleData.Card, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copy_to_stdout_streams_masked_rows()
    {
        var result = await PsqlAsync(gateway, "-c", @"\copy (SELECT id, full_name, email, phone, card_number, ssn FROM customers WHERE id <= 3 ORDER BY id) TO STDOUT");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.All(lines, line => Assert.Equal(6, line.Split('\t').Length));
        Assert.StartsWith("1\t", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^1\ttok_\w+\ttok_\w+\t\+\*+2671\t\*+1111\t\[SSN\]$", lines[0]);
        foreach (var raw in new[] { SampleData.Email, SampleData.Card, SampleData.Ssn, SampleData.Phone, "user2@example.org", "Customer 1" })
        {
            Assert.DoesNotContain(raw, result.StandardOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Copy_from_stdin_is_a_write_and_is_held_for_review()
    {
        var result = await PsqlAsync(gateway, "-c", @"\copy orders FROM STDIN");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AL0902: approval required by policy rule prod-writes-need-review", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("3000", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT count(*) FROM orders")).Trim());
    }

    [Fact]
    public async Task Copy_from_a_file_runs_where_policy_allows_writes()
    {
        var file = Path.Combine(Path.GetTempPath(), $"airlock-copy-{Guid.NewGuid():N}.tsv");
        await File.WriteAllTextAsync(file, "900001\t1\t4200\tcopied\n900002\t2\t4300\tcopied\n");
        try
        {
            var result = await PsqlAsync(bench, "-c", $@"\copy orders (id, customer_id, amount_cents, status) FROM '{file}'");
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Contains("COPY 2", result.StandardOutput, StringComparison.Ordinal);
            Assert.Equal("2", (await bench.Cluster.RunPsqlAsync("demo", "SELECT count(*) FROM orders WHERE status = 'copied'")).Trim());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task On_error_stop_decides_whether_a_script_goes_on_after_a_denied_statement(string onErrorStop)
    {
        var script = Path.Combine(Path.GetTempPath(), $"airlock-script-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, $"""
            \set ON_ERROR_STOP {onErrorStop}
            SELECT 'before' AS step;
            DROP TABLE orders;
            SELECT 'after' AS step;
            """);
        try
        {
            var result = await PsqlAsync(gateway, "-At", "-f", script);
            Assert.Contains("before", result.StandardOutput, StringComparison.Ordinal);
            Assert.Contains($"{script}:3: ERROR:  AL0901: denied by policy rule no-ddl-in-prod", result.StandardError, StringComparison.Ordinal);
            if (onErrorStop == "on")
            {
                Assert.Equal(3, result.ExitCode); // psql: 3 when an error occurred in a script and ON_ERROR_STOP was set
                Assert.DoesNotContain("after", result.StandardOutput, StringComparison.Ordinal);
            }
            else
            {
                Assert.Equal(0, result.ExitCode);
                Assert.Contains("after", result.StandardOutput, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(script);
        }

        Assert.Equal("t", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT to_regclass('public.orders') IS NOT NULL")).Trim());
    }

    private static Task<ProcessResult> PsqlAsync(GatewayHarness harness, params string[] args) =>
        ProcessRunner.RunAsync(Psql, ["-X", "--no-psqlrc", .. args], harness.LibpqEnvironment());
}
