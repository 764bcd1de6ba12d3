using System.Text.Json;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Sql;

public sealed class SqlClassifyCommandTests
{
    [Fact]
    public void Json_output_has_the_documented_shape()
    {
        var result = CliRunner.Run("sql", "classify", "--json", "SELECT c.email AS e FROM customers c; DELETE FROM orders");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("write", root.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        var statements = root.GetProperty("statements").EnumerateArray().ToList();
        Assert.Equal(2, statements.Count);
        Assert.Equal("read", statements[0].GetProperty("kind").GetString());
        Assert.Equal(["customers"], statements[0].GetProperty("tables_read").EnumerateArray().Select(t => t.GetString()));
        var column = Assert.Single(statements[0].GetProperty("columns").EnumerateArray());
        Assert.Equal("e", column.GetProperty("name").GetString());
        Assert.Equal(["customers.email"], column.GetProperty("from").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["orders"], statements[1].GetProperty("tables_written").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("no_where", statements[1].GetProperty("flags").EnumerateArray().Select(t => t.GetString()));
        foreach (var statement in statements)
        {
            Assert.Matches("^[0-9a-f]{16}$", statement.GetProperty("fingerprint").GetString()!);
            Assert.False(string.IsNullOrEmpty(statement.GetProperty("normalized").GetString()));
            Assert.Equal(JsonValueKind.Array, statement.GetProperty("functions").ValueKind);
        }
    }

    [Fact]
    public void Jsonl_answers_each_input_line_in_order_and_bad_lines_get_an_error()
    {
        var input = "\"SELECT 1\"\nnot json\n\"DROP TABLE orders\"\n\"SELEC 1\"\n";

        var result = CliRunner.RunWithInput(input, "sql", "classify", "--jsonl");

        Assert.Equal(0, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, lines.Count);
        Assert.Equal(["read", "unknown", "ddl", "unknown"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.Equal(JsonValueKind.Null, lines[0].GetProperty("error").ValueKind);
        Assert.Contains("not a JSON string", lines[1].GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(lines[3].GetProperty("error").GetProperty("position").GetInt32() > 0);
    }

    [Fact]
    public void Sql_is_read_from_standard_input_when_no_argument_is_given()
    {
        var result = CliRunner.RunWithInput("UPDATE accounts SET balance = 0", "sql", "classify");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("kind: write (1 statement)", result.Out, StringComparison.Ordinal);
        Assert.Contains("tables written: accounts", result.Out, StringComparison.Ordinal);
        Assert.Contains("no_where", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_never_reach_any_output_form()
    {
        const string sql = "ALTER ROLE app PASSWORD 'Hunter2Secret!'; SELECT dblink('host=db password=Dbl1nkSecret', 'select 1') -- token s3cr3tComment";
        var outputs = new[]
        {
            CliRunner.Run("sql", "classify", sql).All,
            CliRunner.Run("sql", "classify", "--json", sql).All,
            CliRunner.RunWithInput(JsonSerializer.Serialize(sql) + "\n", "sql", "classify", "--jsonl").All,
            CliRunner.Run("sql", "classify", "ALTER ROLE app PASSWORD Hunter2Secret!").All,
        };

        foreach (var output in outputs)
        {
            Assert.DoesNotContain("Hunter2Secret", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Dbl1nkSecret", output, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cr3tComment", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Jsonl_cannot_be_combined_with_an_argument()
    {
        var result = CliRunner.Run("sql", "classify", "--jsonl", "SELECT 1");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--jsonl reads standard input only", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_uses_the_real_classification_for_sql_text()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "alice", "--resource", "demo", "--sql", "WITH x AS (DELETE FROM orders RETURNING id) SELECT * FROM x");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Decision: REVIEW", result.Out, StringComparison.Ordinal);
        Assert.Contains("sql write on orders", result.Out, StringComparison.Ordinal);
    }
}
