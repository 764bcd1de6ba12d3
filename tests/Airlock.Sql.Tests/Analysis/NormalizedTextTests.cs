using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>Fingerprints and normalized text: what audit and policy see of each statement.</summary>
public sealed class NormalizedTextTests
{
    [Theory]
    [InlineData("SELECT * FROM orders WHERE id = 42 AND note = 'x'", "SELECT * FROM orders WHERE id = $1 AND note = $2")]
    [InlineData("SELECT   *\n\tFROM orders -- why\nWHERE id = 1", "SELECT * FROM orders WHERE id = $1")]
    [InlineData("/* lead */ SELECT 1 /* mid */ + 2", "SELECT $1 + $2")]
    [InlineData("SELECT \"Quoted  Name\", 'it''s' FROM \"T\"", "SELECT \"Quoted  Name\", $1 FROM \"T\"")]
    [InlineData("SELECT $1, $2::int FROM orders", "SELECT $1, $2::int FROM orders")]
    [InlineData("SELECT E'a\\nb', $$c$$, U&'d', B'1', X'ff', 1.5e3", "SELECT $1, $2, $3, $4, $5, $6")]
    [InlineData("COPY orders TO '/tmp/o.csv'", "COPY orders TO '?'")]
    [InlineData("SELECT 'é', \"Zoë\" FROM \"tÄble\"", "SELECT $1, \"Zoë\" FROM \"tÄble\"")]
    public void Literals_are_replaced_comments_removed_and_whitespace_folded(string sql, string normalized) =>
        Assert.Equal(normalized, Engine.Single(sql).Normalized);

    [Fact]
    public void Each_statement_of_a_string_is_normalized_on_its_own()
    {
        var analysis = Engine.Analyze("SELECT 1; -- note\nDELETE FROM orders WHERE id = 2;\n\nSELECT 'x'");
        Assert.Equal(["SELECT $1", "DELETE FROM orders WHERE id = $1", "SELECT $1"], analysis.Statements.Select(s => s.Normalized), StringComparer.Ordinal);
    }

    [Fact]
    public void A_comment_ended_by_a_carriage_return_does_not_swallow_the_statement()
    {
        // scan.l ends a -- comment at \r as well as \n; the DELETE must show in the audit.
        var analysis = Engine.Analyze("SELECT 1; --\rDELETE FROM orders");
        Assert.Equal("DELETE FROM orders", analysis.Statements[1].Normalized);
    }

    [Theory]
    [InlineData("SELECT 'a'b", "SELECT $1 b")]
    [InlineData("SELECT 1, 'x'y, $3", "SELECT $4, $5 y, $3")]
    [InlineData("SELECT E'a\\\\'ok /* c */", "SELECT $1 ok")]
    public void Text_whose_normalized_form_cannot_be_scanned_is_normalized_from_its_own_tokens(string sql, string normalized)
    {
        // pg_query_normalize glues the parameter to the alias after the literal ($1b), which scan.l rejects.
        Assert.Equal(normalized, Engine.Single(sql).Normalized);
    }

    [Fact]
    public void Statements_that_differ_only_in_literals_share_a_fingerprint()
    {
        var a = Engine.Single("SELECT * FROM orders WHERE id = 1 AND note = 'a'");
        var b = Engine.Single("select * from orders where id = 99 and note = 'zzz' -- comment");
        var c = Engine.Single("SELECT * FROM orders WHERE customer_id = 1 AND note = 'a'");
        Assert.Matches("^[0-9a-f]{16}$", a.Fingerprint!);
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint, StringComparer.Ordinal);
    }

    [Fact]
    public void Unicode_text_keeps_its_statement_boundaries()
    {
        // Statement locations are UTF-8 byte offsets; multi-byte text before a statement must not shift it.
        var analysis = Engine.Analyze("SELECT 'ünïcødé 😀'; DELETE FROM \"tëst\" WHERE id = 1");
        Assert.Equal("DELETE FROM \"tëst\" WHERE id = $1", analysis.Statements[1].Normalized);
        Assert.Equal(["tëst"], analysis.Statements[1].TablesWritten);
    }
}
