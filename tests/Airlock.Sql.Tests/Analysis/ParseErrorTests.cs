using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>What fails to parse gets an answer: kind unknown, a message and the 1-based cursor position.</summary>
public sealed class ParseErrorTests
{
    [Theory]
    [InlineData("SELEC 1", "syntax error at or near \"…\"", 1)]
    [InlineData("SELECT * FROM", "syntax error at end of input", 14)]
    [InlineData("SELECT (1", "syntax error at end of input", 10)]
    [InlineData("SELECT 1)", "syntax error at or near \")\"", 9)]
    [InlineData("SELECT 'abc", "unterminated quoted string at or near \"…\"", 8)]
    [InlineData("SELECT 1; DELETE FROM", "syntax error at end of input", 22)]
    public void The_error_has_a_message_and_a_position(string sql, string message, int position)
    {
        var analysis = Engine.Analyze(sql);
        Assert.Equal(StatementKind.Unknown, analysis.Kind);
        Assert.Empty(analysis.Statements);
        Assert.Equal(message, analysis.Error!.Message);
        Assert.Equal(position, analysis.Error.CursorPosition);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("SELECT 1\0")]
    [InlineData("SELECT 1;\0DELETE FROM orders")]
    [InlineData("DELETE FROM orders\0 WHERE id = 1")]
    public void A_NUL_character_is_refused_at_its_position(string sql)
    {
        // C would see only the text before the NUL: never judge a statement by a prefix of it.
        var analysis = Engine.Analyze(sql);
        Assert.Equal(StatementKind.Unknown, analysis.Kind);
        Assert.Equal(sql.IndexOf('\0', StringComparison.Ordinal) + 1, analysis.Error!.CursorPosition);
    }

    [Fact]
    public void Nesting_deeper_than_the_walkers_allow_is_refused_not_walked()
    {
        var sql = "SELECT * FROM " + string.Concat(Enumerable.Repeat("(SELECT * FROM ", 600)) + "t" + string.Concat(Enumerable.Repeat(") s", 600));
        var analysis = Engine.Analyze(sql);
        Assert.Equal(StatementKind.Unknown, analysis.Kind);
        Assert.Contains("nested", analysis.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_parser_allows_is_a_parse_error()
    {
        var sql = "SELECT " + new string('(', 100_000) + "1" + new string(')', 100_000);
        var analysis = Engine.Analyze(sql);
        Assert.Equal(StatementKind.Unknown, analysis.Kind);
        Assert.NotNull(analysis.Error);
    }
}
