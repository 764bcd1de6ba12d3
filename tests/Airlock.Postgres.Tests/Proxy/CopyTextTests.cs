using System.Text;
using Airlock.Postgres.Proxy;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>COPY's row layouts as the gateway reads and writes them; the end-to-end cases are in <see cref="CopyOutThroughGatewayTests"/>.</summary>
public sealed class CopyTextTests
{
    [Fact]
    public void Text_escapes_round_trip()
    {
        const string Value = "tab\there\\back\nline\r\b\f\v end";
        var escaped = new StringBuilder();
        CopyText.AppendEscaped(escaped, Value);
        Assert.Equal(@"tab\there\\back\nline\r\b\f\v end", escaped.ToString());
        Assert.Equal(Value, CopyText.Unescape(escaped.ToString()));
        Assert.Equal("AAx", CopyText.Unescape(@"\101\x41\x"));
    }

    [Fact]
    public void A_quoted_csv_value_ends_at_its_closing_quote()
    {
        var value = new StringBuilder();
        var line = "\"a,\"\"b\"\"\",x";
        Assert.Equal(9, CopyText.ReadQuoted(line, 0, value));
        Assert.Equal("a,\"b\"", value.ToString());
        Assert.Throws<Airlock.Postgres.Protocol.PgProtocolException>(() => CopyText.ReadQuoted("\"open", 0, value));
    }

    [Theory]
    [InlineData(null, false, "")]
    [InlineData("", false, "\"\"")]
    [InlineData("plain", false, "plain")]
    [InlineData("plain", true, "\"plain\"")]
    [InlineData("a,\"b\"", false, "\"a,\"\"b\"\"\"")]
    [InlineData("two\nlines", false, "\"two\nlines\"")]
    public void Csv_values_are_quoted_as_the_server_quotes_them(string? value, bool wasQuoted, string expected)
    {
        var row = new StringBuilder();
        CopyText.AppendCsv(row, value, wasQuoted);
        Assert.Equal(expected, row.ToString());
    }

    [Theory]
    [InlineData("COPY (SELECT $1, email FROM customers) TO STDOUT", false, "Text", false)]
    [InlineData("COPY customers TO STDOUT (FORMAT csv, HEADER)", false, "Csv", true)]
    [InlineData("COPY customers TO STDOUT WITH CSV HEADER FORCE QUOTE *", false, "Csv", true)]
    [InlineData("COPY customers TO STDOUT (FORMAT csv, FORCE_QUOTE *)", false, "Csv", false)]
    [InlineData("COPY customers TO STDOUT (FORMAT text, HEADER false)", false, "Text", false)]
    [InlineData("COPY (SELECT email FROM customers) TO STDOUT (FORMAT csv, DELIMITER '?')", false, "Custom", false)]
    [InlineData("COPY customers TO STDOUT WITH CSV QUOTE AS '?'", false, "Custom", false)]
    [InlineData("COPY (SELECT csv, header FROM t) TO STDOUT", false, "Text", false)]
    [InlineData("COPY customers TO STDOUT (FORMAT binary)", true, "Binary", false)]
    public void The_layout_comes_from_the_options_after_stdout(string normalized, bool binary, string layout, bool header)
    {
        Assert.Equal((Enum.Parse<CopyOutLayout>(layout), header), CopyOutFormat.Of(binary, normalized));
    }
}
