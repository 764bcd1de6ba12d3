using Airlock.Sql.Native;

namespace Airlock.Sql.Tests.Native;

/// <summary>PostgreSQL's scanner through pg_query_scan, and the reader of its protobuf answer.</summary>
public sealed class ScanTests
{
    [Fact]
    public void Tokens_cover_the_text_with_byte_offsets_and_kinds()
    {
        const string sql = "SELECT 'é', E'a\\'b' /* c */ FROM \"T\" -- d";
        var tokens = PgQuery.Scan(sql)!;
        var bytes = System.Text.Encoding.UTF8.GetBytes(sql);
        string Text(SqlToken t) => System.Text.Encoding.UTF8.GetString(bytes, t.Start, t.End - t.Start);

        Assert.Equal(["SELECT", "'é'", ",", "E'a\\'b'", "/* c */", "FROM", "\"T\"", "-- d"], tokens.Select(Text), StringComparer.Ordinal);
        Assert.Equal([false, true, false, true, false, false, false, false], tokens.Select(t => t.IsString));
        Assert.Equal([false, false, false, false, true, false, false, true], tokens.Select(t => t.IsComment));
    }

    [Fact]
    public void Dollar_quoted_and_continued_strings_are_one_token()
    {
        Assert.Single(PgQuery.Scan("$tag$ it's $$ here $tag$")!, t => t.IsString);
        Assert.Single(PgQuery.Scan("'a'\n  'b'")!, t => t.IsString);
    }

    [Fact]
    public void Text_the_scanner_rejects_gives_null() =>
        Assert.Null(PgQuery.Scan("SELECT 'unterminated"));

    [Theory]
    [InlineData(new byte[] { 0x12 })]
    [InlineData(new byte[] { 0x12, 0x05, 0x08 })]
    [InlineData(new byte[] { 0x12, 0x02, 0x08, 0x80 })]
    [InlineData(new byte[] { 0x0F })]
    [InlineData(new byte[] { 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x12, 0x04, 0x08, 0x05, 0x10, 0x01 })]
    public void Malformed_protobuf_gives_null_not_an_exception(byte[] message) =>
        Assert.Null(ScanProtobuf.ReadTokens(message));

    [Fact]
    public void Unknown_fields_are_skipped()
    {
        // version = 1 (varint), a fixed64 and a fixed32 field, then a token {start 0, end 6, token 261}.
        byte[] message = [0x08, 0x01, 0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4, 0x12, 0x07, 0x08, 0x00, 0x10, 0x06, 0x20, 0x85, 0x02];
        var token = Assert.Single(ScanProtobuf.ReadTokens(message)!);
        Assert.Equal(new SqlToken(0, 6, SqlToken.StringConstant), token);
    }
}
