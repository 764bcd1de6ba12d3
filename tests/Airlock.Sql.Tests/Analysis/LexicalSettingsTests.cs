using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// This engine reads SQL as UTF-8 with standard-conforming strings, as libpg_query does. A session that
/// changes either would have the server run statements other than the ones analyzed, so such a change
/// is admin, never a harmless session setting.
/// </summary>
public sealed class LexicalSettingsTests
{
    [Fact]
    public void With_standard_strings_off_a_read_here_would_be_a_DELETE_on_the_server()
    {
        // Checked against PostgreSQL 15: after SET standard_conforming_strings = off this text deletes every
        // row, because 'x\' no longer ends the string and the DELETE falls outside it. This engine, like a
        // server with standard strings, sees a SELECT and a comment.
        const string attack = "SELECT 'x\\'; -- ' ; DELETE FROM orders; --'";
        Assert.Equal(StatementKind.Read, Engine.KindOf(attack));

        // So the step that makes it work is not a session preference.
        Assert.Equal(StatementKind.Admin, Engine.KindOf("SET standard_conforming_strings = off"));
        Assert.Equal(StatementKind.Admin, Engine.KindOf("SET standard_conforming_strings = off; " + attack));
    }

    [Theory]
    [InlineData("SET standard_conforming_strings = off")]
    [InlineData("SET standard_conforming_strings TO false")]
    [InlineData("SET LOCAL standard_conforming_strings = 0")]
    [InlineData("SET \"STANDARD_CONFORMING_STRINGS\" TO 'off'")]
    [InlineData("SET standard_conforming_strings TO DEFAULT")]
    [InlineData("RESET standard_conforming_strings")]
    [InlineData("SET NAMES 'SJIS'")]
    [InlineData("SET client_encoding = 'BIG5'")]
    [InlineData("SET client_encoding TO 'GBK'")]
    [InlineData("SET SESSION client_encoding TO 'GB18030'")]
    [InlineData("SET client_encoding = 'LATIN1'")]
    [InlineData("SET client_encoding TO DEFAULT")]
    [InlineData("RESET client_encoding")]
    [InlineData("SELECT set_config('standard_conforming_strings', 'off', false)")]
    [InlineData("SELECT set_config('client_encoding', 'SJIS', false)")]
    public void Changing_how_the_server_reads_text_is_admin(string sql) =>
        Assert.Equal(StatementKind.Admin, Engine.KindOf(sql));

    [Theory]
    [InlineData("SET standard_conforming_strings = on")]
    [InlineData("SET standard_conforming_strings TO true")]
    [InlineData("SET client_encoding TO 'UTF8'")]
    [InlineData("SET client_encoding = 'utf-8'")]
    [InlineData("SET NAMES 'unicode'")]
    [InlineData("SET client_encoding = utf8")]
    public void Keeping_the_reading_this_engine_assumes_is_a_session_setting(string sql) =>
        Assert.Equal(StatementKind.Session, Engine.KindOf(sql));
}
