using Airlock.Sql.Analysis;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// Cursor operations as the gateway follows them (issue 14, class D): the name is the one the server looks
/// up, folded by the parser (unquoted lower-cased, quoted exact), and DECLARE keeps its query's lineage.
/// </summary>
public sealed class CursorStatementTests
{
    [Theory]
    [InlineData("DECLARE c CURSOR FOR SELECT ssn FROM customers", CursorAction.Declare, "c", false, false)]
    [InlineData("DECLARE \"MyCur\" BINARY SCROLL CURSOR WITH HOLD FOR SELECT 1", CursorAction.Declare, "MyCur", true, true)]
    [InlineData("DECLARE MyCur NO SCROLL CURSOR WITHOUT HOLD FOR SELECT 1", CursorAction.Declare, "mycur", false, false)]
    [InlineData("FETCH 3 FROM c", CursorAction.Fetch, "c", false, false)]
    [InlineData("FETCH BACKWARD ALL FROM \"C\"", CursorAction.Fetch, "C", false, false)]
    [InlineData("FETCH ABSOLUTE -1 IN Cur", CursorAction.Fetch, "cur", false, false)]
    [InlineData("FETCH c", CursorAction.Fetch, "c", false, false)]
    [InlineData("MOVE FORWARD 5 IN c", CursorAction.Move, "c", false, false)]
    [InlineData("CLOSE C", CursorAction.Close, "c", false, false)]
    [InlineData("CLOSE ALL", CursorAction.CloseAll, null, false, false)]
    [InlineData("DISCARD ALL", CursorAction.CloseAll, null, false, false)]
    public void Cursor_statements_name_the_portal_the_server_looks_up(string sql, CursorAction action, string? name, bool hold, bool binary)
    {
        var statement = Assert.Single(SqlAnalyzer.Shared.Analyze(sql).Statements);
        Assert.Equal(new CursorStatement(action, name, hold, binary), statement.Cursor);
    }

    [Theory]
    [InlineData("SELECT 1")]
    [InlineData("DISCARD PLANS")]
    [InlineData("PREPARE p AS SELECT 1")]
    public void Other_statements_have_no_cursor_operation(string sql) =>
        Assert.Null(Assert.Single(SqlAnalyzer.Shared.Analyze(sql).Statements).Cursor);

    [Fact]
    public void A_declared_cursor_keeps_its_query_lineage_and_tables()
    {
        var declare = Assert.Single(SqlAnalyzer.Shared.Analyze("DECLARE c CURSOR FOR SELECT ssn || '' AS s, lower(email) FROM customers").Statements);
        Assert.Contains("customers", declare.TablesRead);
        Assert.Equal(["customers.ssn"], declare.Columns[0].From);
        Assert.Equal(["customers.email"], declare.Columns[1].From);
    }
}
