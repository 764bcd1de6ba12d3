using System.Buffers.Binary;
using Airlock.Postgres.Tests.Support;
using Airlock.TestSupport;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>
/// COPY TO STDOUT is masked as a SELECT of the same columns is, in each of its layouts, and cut off at
/// max_rows. Regressions: COPY used to pass the detectors over whole rows only (a column masked by its
/// policy or its name came through raw), ignored max_rows, and broke binary COPY by reading it as text.
/// </summary>
public sealed class CopyOutThroughGatewayTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task Text_copy_of_a_query_masks_each_column_as_its_select_does()
    {
        const string Query = "SELECT id, full_name, email, phone, card_number, ssn FROM customers WHERE id <= 3 ORDER BY id";
        var copied = await PsqlAsync($@"\copy ({Query}) TO STDOUT");
        Assert.True(copied.ExitCode == 0, copied.StandardError);
        var selected = await PsqlAsync(Query, "-At", "-F", "\t");
        Assert.True(selected.ExitCode == 0, selected.StandardError);

        // Tokens are deterministic per value, so COPY's rows are exactly the SELECT's.
        Assert.Equal(selected.StandardOutput, copied.StandardOutput);
        Assert.DoesNotContain("Customer 1", copied.StandardOutput, StringComparison.Ordinal);
        Assert.StartsWith("1\ttok_", copied.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_copy_of_a_whole_table_masks_its_columns_one_by_one()
    {
        var result = await PsqlAsync(@"\copy customers TO STDOUT");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(1000, lines.Length);
        var first = lines[0].Split('\t');
        Assert.Equal(7, first.Length);
        Assert.Equal("1", first[0]); // id is not sensitive: shown as it is
        Assert.StartsWith("tok_", first[1], StringComparison.Ordinal);
        Assert.StartsWith("tok_", first[2], StringComparison.Ordinal);
        Assert.EndsWith("2671", first[3], StringComparison.Ordinal);
        Assert.Equal("************1111", first[4]);
        Assert.DoesNotContain(SampleData.Ssn, result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_copy_keeps_nulls_escapes_and_empty_values()
    {
        var result = await PsqlAsync(@"\copy (SELECT full_name, NULL::text, '', E'tab\there\\back\nline', 'reach me at ' || email FROM customers WHERE id = 1) TO STDOUT");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var values = result.StandardOutput.TrimEnd('\n').Split('\t');
        Assert.Equal(5, values.Length);
        Assert.StartsWith("tok_", values[0], StringComparison.Ordinal);
        Assert.Equal(@"\N", values[1]);
        Assert.Equal(string.Empty, values[2]);
        Assert.Equal(@"tab\there\\back\nline", values[3]);
        Assert.Equal("[EMAIL]", values[4]); // derived from email: redacted whole, never a token (docs/security.md, class G)
    }

    [Fact]
    public async Task Csv_copy_with_a_header_keeps_the_header_and_quotes()
    {
        var result = await PsqlAsync(@"\copy (SELECT id, full_name, email, 'a,""b""' AS quoted, NULL AS nothing FROM customers WHERE id <= 2 ORDER BY id) TO STDOUT (FORMAT csv, HEADER)");
        Assert.True(result.ExitCode == 0, result.StandardError);
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("id,full_name,email,quoted,nothing", lines[0]);
        Assert.Matches(@"^1,tok_\w+,tok_\w+,""a,""""b"""""",$", lines[1]);
        Assert.Matches(@"^2,tok_\w+,tok_\w+,""a,""""b"""""",$", lines[2]);
    }

    [Fact]
    public async Task Binary_copy_stays_a_valid_pgcopy_stream_with_whole_masked_values_null()
    {
        var file = Path.Combine(Path.GetTempPath(), $"airlock-copy-{Guid.NewGuid():N}.bin");
        try
        {
            var result = await PsqlAsync($@"\copy (SELECT id, full_name, email, 'reach me at jane.doe@example.com'::text AS note FROM customers WHERE id <= 3 ORDER BY id) TO '{file}' (FORMAT binary)");
            Assert.True(result.ExitCode == 0, result.StandardError);
            Assert.Contains("AL0903: column \"full_name\" is masked", result.StandardError, StringComparison.Ordinal);
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.DoesNotContain("jane.doe", System.Text.Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
            Assert.Equal(-1, BinaryPrimitives.ReadInt16BigEndian(bytes.AsSpan(bytes.Length - 2))); // the trailer

            // The server reads it back: the stream is whole, ids intact, masked values NULL or masked text.
            await gateway.Cluster.RunPsqlAsync("demo", "CREATE TABLE copy_back (id bigint, full_name text, email text, note text)");
            await gateway.Cluster.RunPsqlAsync("demo", $@"\copy copy_back FROM '{file}' (FORMAT binary)");
            var rows = await gateway.Cluster.RunPsqlAsync("demo", "SELECT id, full_name IS NULL, email IS NULL, note FROM copy_back ORDER BY id");
            var lines = rows.Split('\n');
            Assert.Equal(3, lines.Length);
            Assert.Matches(@"^1\|t\|t\|reach me at tok_\w+$", lines[0]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Copy_is_cut_off_at_max_rows_with_a_notice_and_its_count()
    {
        var result = await PsqlAsync(@"\copy orders TO STDOUT");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(1000, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("AL0904: the result was cut off at 1000 rows by policy rule prod-engineer-reads (max_rows); 2000 more rows were not sent", result.StandardError, StringComparison.Ordinal);

        // To a file, psql prints the command tag: the rows sent, not the rows the server read.
        var file = Path.Combine(Path.GetTempPath(), $"airlock-copy-{Guid.NewGuid():N}.tsv");
        try
        {
            var toFile = await PsqlAsync($@"\copy orders TO '{file}'");
            Assert.True(toFile.ExitCode == 0, toFile.StandardError);
            Assert.Equal("COPY 1000", toFile.StandardOutput.Trim());
            Assert.Equal(1000, (await File.ReadAllLinesAsync(file)).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_custom_delimiter_is_refused_when_a_column_is_masked_whole_and_the_session_goes_on()
    {
        var refused = await PsqlAsync(@"\copy (SELECT id, email FROM customers WHERE id <= 2) TO STDOUT (FORMAT csv, DELIMITER ';')");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("AL0916", refused.StandardError, StringComparison.Ordinal);
        Assert.Empty(refused.StandardOutput.Trim());

        var plain = await PsqlAsync(@"\copy (SELECT id, amount_cents FROM orders WHERE id <= 2 ORDER BY id) TO STDOUT (FORMAT csv, DELIMITER ';')");
        Assert.True(plain.ExitCode == 0, plain.StandardError);
        Assert.Equal("1;100\n2;200\n", plain.StandardOutput);

        var both = await PsqlAsync(@"\copy (SELECT email FROM customers WHERE id = 1) TO STDOUT (DELIMITER '|')", "-v", "ON_ERROR_STOP=0", "-c", "SELECT 'still here'");
        Assert.Contains("AL0916", both.StandardError, StringComparison.Ordinal);
        Assert.Contains("still here", both.StandardOutput, StringComparison.Ordinal);
    }

    private Task<ProcessResult> PsqlAsync(string command, params string[] extra) =>
        ProcessRunner.RunAsync(Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"), ["-X", .. extra, "-c", command], gateway.LibpqEnvironment());
}
