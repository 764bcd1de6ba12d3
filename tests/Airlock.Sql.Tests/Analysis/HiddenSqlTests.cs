using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// SQL run from strings (issue 14, class A): a constant query given to ts_stat, ts_rewrite or query_to_xml is
/// analysed as a statement of its own and merged into the one around it; a relation named to table_to_xml is
/// read; anything that cannot be known is flagged hidden_sql and is unknown.
/// </summary>
public sealed class HiddenSqlTests
{
    [Fact]
    public void The_issue_example_reads_card_vault_and_its_lineage_is_the_hidden_column()
    {
        var statement = Engine.Single("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', ssn) FROM card_vault')");
        Assert.Equal(StatementKind.Read, statement.Kind);
        Assert.Contains("card_vault", statement.TablesRead);
        Assert.False(statement.Flags.HasFlag(SqlFlags.HiddenSql));

        var column = Engine.Single("SELECT word FROM ts_stat('SELECT to_tsvector(''simple'', ssn) FROM card_vault')").Columns[0];
        Assert.Contains("card_vault.ssn", column.From);
    }

    [Theory]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(x) FROM t WHERE pg_terminate_backend(42)')")]
    [InlineData("SELECT * FROM pg_catalog.ts_stat('SELECT to_tsvector(x) FROM t WHERE pg_terminate_backend(42)')")]
    [InlineData("SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery FROM t WHERE pg_terminate_backend(42) IS NULL')")]
    [InlineData("SELECT query_to_xml($q$SELECT pg_terminate_backend(42)$q$, true, true, '')")]
    [InlineData("SELECT query_to_xml(E'SELECT pg_terminate_backend(42)', true, true, '')")]
    [InlineData("SELECT query_to_xml(U&'SELECT pg_terminate_backend(42)', true, true, '')")]
    [InlineData("SELECT query_to_xml(nulls => true, tableforest => true, targetns => '', query => 'SELECT pg_terminate_backend(42)')")]
    [InlineData("SELECT query_to_xml('SELECT pg_terminate_backend(42)'::text, true, true, '')")]
    [InlineData("EXPLAIN SELECT query_to_xml('SELECT pg_terminate_backend(42)', true, true, '')")]
    public void A_hidden_admin_function_makes_the_statement_admin(string sql)
    {
        var analysis = Engine.Analyze(sql);
        Assert.Equal(StatementKind.Admin, analysis.Kind);
        Assert.Contains("pg_terminate_backend", analysis.Statements[0].Functions);
    }

    [Fact]
    public void Nesting_is_followed_through_every_level()
    {
        const string sql = """
            SELECT ts_rewrite('a'::tsquery, $a$SELECT 'a'::tsquery, 'b'::tsquery FROM query_to_xml($b$SELECT * FROM ts_stat($c$SELECT to_tsvector(ssn) FROM customers$c$)$b$, true, true, '') x$a$)
            """;
        var statement = Engine.Single(sql);
        Assert.Contains("customers", statement.TablesRead);
        Assert.Contains("ts_stat", statement.Functions);
        Assert.Contains(statement.Columns[0].From, source => source.StartsWith("customers.", StringComparison.Ordinal));
        Assert.False(statement.Flags.HasFlag(SqlFlags.HiddenSql));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var sql = "SELECT to_tsvector(ssn) FROM customers";
        for (var i = 0; i <= EmbeddedSql.MaxNesting; i++)
        {
            sql = $"SELECT * FROM ts_stat($n{i}${sql}$n{i}$)";
        }

        Assert.True(Engine.Single(sql).Flags.HasFlag(SqlFlags.HiddenSql));
    }

    [Theory]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(ssn) ' || 'FROM customers')", "not a constant")]
    [InlineData("SELECT * FROM ts_stat(format('SELECT to_tsvector(%s) FROM customers', 'ssn'))", "not a constant")]
    [InlineData("SELECT * FROM ts_stat(concat('SELECT to_tsvector(ssn) FROM ', 'customers'))", "not a constant")]
    [InlineData("SELECT * FROM ts_stat($1)", "not a constant")]
    [InlineData("SELECT * FROM t, ts_stat(t.q)", "not a constant")]
    [InlineData("SELECT * FROM ts_stat((SELECT 'SELECT to_tsvector(ssn) FROM customers'))", "not a constant")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(ssn) FROM customers WHERE id = 1 AND x'::varchar(30))", "not a constant")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(ssn) FROM customers'::name)", "not a constant")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(ssn) FROM customers' COLLATE \"C\")", "not a constant")]
    [InlineData("SELECT * FROM ts_stat('SELECT 1; SELECT to_tsvector(ssn) FROM customers')", "exactly one statement")]
    [InlineData("SELECT * FROM ts_stat('SELEC to_tsvector(ssn) FROM customers')", "exactly one statement")]
    [InlineData("SELECT * FROM ts_stat('UPDATE customers SET ssn = ssn RETURNING to_tsvector(ssn)')", "not a plain SELECT")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(ssn) INTO x FROM customers')", "not a plain SELECT")]
    [InlineData("SELECT query_to_xml('EXPLAIN ANALYZE SELECT 1', true, true, '')", "not a plain SELECT")]
    [InlineData("SELECT cursor_to_xml('c', 10, true, true, '')", "does not name")]
    [InlineData("SELECT schema_to_xml('public', true, true, '')", "does not name")]
    [InlineData("SELECT database_to_xml(true, true, '')", "does not name")]
    [InlineData("SELECT * FROM crosstab('SELECT id, k, ssn FROM customers')", "does not name")]
    [InlineData("SELECT table_to_xml(16384, true, true, '')", "not a constant")]
    [InlineData("SELECT table_to_xml('16384', true, true, '')", "not given by name")]
    [InlineData("SELECT table_to_xml(('card' || '_vault')::regclass, true, true, '')", "not a constant")]
    [InlineData("SELECT * FROM ts_stat(VARIADIC ARRAY['SELECT to_tsvector(ssn) FROM customers'])", "VARIADIC")]
    public void What_cannot_be_known_is_hidden_sql_and_unknown(string sql, string reason)
    {
        var analysis = Engine.Analyze(sql);
        var statement = Assert.Single(analysis.Statements);
        Assert.Equal(StatementKind.Unknown, analysis.Kind);
        Assert.True(statement.Flags.HasFlag(SqlFlags.HiddenSql));
        Assert.Contains(statement.HiddenSql, h => h.Contains(reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SELECT table_to_xml('card_vault', true, true, '')", "card_vault")]
    [InlineData("SELECT table_to_xml('card_vault'::regclass, true, true, '')", "card_vault")]
    [InlineData("SELECT table_to_xml('  Public . CARD_VAULT ', true, true, '')", "public.card_vault")]
    [InlineData("SELECT table_to_xml('\"Card\"\"Vault\"', true, true, '')", "Card\"Vault")]
    [InlineData("SELECT table_to_xml(tbl => 'billing.invoices', nulls => true, tableforest => true, targetns => '')", "billing.invoices")]
    [InlineData("SELECT * FROM table_to_xmlschema('card_vault', true, true, '')", "card_vault")]
    public void A_relation_named_to_table_to_xml_is_read_whole(string sql, string table)
    {
        var statement = Engine.Single(sql);
        Assert.Equal(StatementKind.Read, statement.Kind);
        Assert.Contains(table, statement.TablesRead);
        Assert.Contains($"{table}.*", statement.Columns[0].From);
    }

    [Theory]
    [InlineData("SELECT ts_rewrite('a'::tsquery, 'b'::tsquery, 'c'::tsquery)")]
    [InlineData("SELECT * FROM ts_stat(NULL)")]
    public void Calls_that_run_nothing_stay_reads(string sql)
    {
        var statement = Engine.Single(sql);
        Assert.Equal(StatementKind.Read, statement.Kind);
        Assert.False(statement.Flags.HasFlag(SqlFlags.HiddenSql));
    }

    [Fact]
    public void Strings_with_different_hidden_tables_are_not_served_from_one_shape()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var first = analyzer.Analyze("SELECT * FROM ts_stat('SELECT to_tsvector(note) FROM orders')");
        var second = analyzer.Analyze("SELECT * FROM ts_stat('SELECT to_tsvector(pan) FROM card_vault')");
        Assert.Contains("orders", first.AllTables);
        Assert.Contains("card_vault", second.AllTables);
        Assert.DoesNotContain("orders", second.AllTables);
    }

    [Theory]
    [InlineData("card_vault", "card_vault")]
    [InlineData("CARD_VAULT", "card_vault")]
    [InlineData("\"CARD_VAULT\"", "CARD_VAULT")]
    [InlineData("db.s.t", "db.s.t")]
    [InlineData("a.b.c.d", null)]
    [InlineData("a..b", null)]
    [InlineData("\"a", null)]
    [InlineData("a b", null)]
    [InlineData("123", null)]
    [InlineData("", null)]
    [InlineData("\u00A0card_vault", "\u00A0card_vault")]
    [InlineData("\u00C4x", "\u00C4x")]
    public void Relation_names_are_read_as_regclassin_reads_them(string text, string? expected) =>
        Assert.Equal(expected, EmbeddedSql.RegclassName(text));
}
