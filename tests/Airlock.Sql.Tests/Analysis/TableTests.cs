using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>Tables read and written, schema-qualified as written; CTE names are not tables.</summary>
public sealed class TableTests
{
    [Theory]
    [InlineData("SELECT * FROM orders", "orders")]
    [InlineData("SELECT * FROM public.orders", "public.orders")]
    [InlineData("SELECT * FROM shop.public.orders", "shop.public.orders")]
    [InlineData("SELECT * FROM \"Shop\".\"Orders\"", "Shop.Orders")]
    [InlineData("SELECT * FROM PUBLIC.ORDERS", "public.orders")]
    [InlineData("SELECT * FROM \"public\".orders", "public.orders")]
    [InlineData("SELECT * FROM U&\"\\0070ublic\".orders", "public.orders")]
    [InlineData("SELECT * FROM \"order items\"", "order items")]
    [InlineData("SELECT * FROM orders AS o", "orders")]
    public void Names_are_qualified_as_written_with_PostgreSQL_case_folding(string sql, string table) =>
        Assert.Equal([table], Engine.Single(sql).TablesRead);

    [Theory]
    [InlineData("WITH o AS (SELECT 1) SELECT * FROM o")]
    [InlineData("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT * FROM r")]
    [InlineData("WITH a AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b JOIN a ON true")]
    [InlineData("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s")]
    [InlineData("WITH x AS (SELECT 1) SELECT (SELECT count(*) FROM x)")]
    public void CTE_names_are_not_tables(string sql) =>
        Assert.Empty(Engine.Single(sql).TablesRead);

    [Fact]
    public void A_CTE_that_shadows_a_table_reads_the_table_from_its_own_body()
    {
        // WITH t AS (SELECT * FROM t): a non-recursive CTE cannot see itself, so the inner t is the table.
        var statement = Engine.Single("WITH orders AS (SELECT * FROM orders WHERE total > 0) SELECT * FROM orders");
        Assert.Equal(["orders"], statement.TablesRead);
    }

    [Fact]
    public void A_CTE_name_does_not_hide_a_schema_qualified_table() =>
        Assert.Equal(["public.x"], Engine.Single("WITH x AS (SELECT 1) SELECT * FROM public.x").TablesRead);

    [Fact]
    public void A_CTE_name_is_out_of_scope_outside_its_query() =>
        Assert.Equal(["x"], Engine.Single("SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s, x").TablesRead);

    [Fact]
    public void A_CTE_name_does_not_hide_a_table_written() =>
        Assert.Equal(["orders"], Engine.Single("WITH orders AS (SELECT 1) DELETE FROM orders").TablesWritten);

    [Theory]
    [InlineData("INSERT INTO archive.orders SELECT * FROM public.orders", new[] { "public.orders" }, new[] { "archive.orders" })]
    [InlineData("UPDATE orders SET total = s.total FROM staging s WHERE s.id = orders.id", new[] { "staging" }, new[] { "orders" })]
    [InlineData("DELETE FROM orders USING customers WHERE customers.id = orders.customer_id", new[] { "customers" }, new[] { "orders" })]
    [InlineData("MERGE INTO orders USING staging ON orders.id = staging.id WHEN MATCHED THEN DELETE", new[] { "staging" }, new[] { "orders" })]
    [InlineData("CREATE TABLE backup AS SELECT * FROM orders", new[] { "orders" }, new[] { "backup" })]
    [InlineData("SELECT * INTO backup FROM orders", new[] { "orders" }, new[] { "backup" })]
    [InlineData("COPY orders FROM STDIN", new string[0], new[] { "orders" })]
    [InlineData("COPY orders TO STDOUT", new[] { "orders" }, new string[0])]
    [InlineData("LOCK TABLE a, b.c", new string[0], new[] { "a", "b.c" })]
    [InlineData("TRUNCATE a, b", new string[0], new[] { "a", "b" })]
    [InlineData("DROP TABLE a, s.b", new string[0], new[] { "a", "s.b" })]
    [InlineData("ALTER TABLE s.a ADD COLUMN b int", new string[0], new[] { "s.a" })]
    [InlineData("CREATE VIEW v AS SELECT * FROM a JOIN b ON true", new[] { "a", "b" }, new[] { "v" })]
    [InlineData("WITH d AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM d", new string[0], new[] { "a", "b" })]
    public void Tables_read_and_written_are_told_apart(string sql, string[] read, string[] written)
    {
        var statement = Engine.Single(sql);
        Assert.Equal(read, statement.TablesRead);
        Assert.Equal(written, statement.TablesWritten);
    }

    [Fact]
    public void Each_table_is_reported_once_per_statement_in_order_of_appearance()
    {
        var statement = Engine.Single("SELECT * FROM b JOIN a ON true JOIN b b2 ON true WHERE EXISTS (SELECT 1 FROM a)");
        Assert.Equal(["b", "a"], statement.TablesRead);
    }

    [Fact]
    public void All_tables_of_a_string_are_collected_for_policy_matching()
    {
        var analysis = Engine.Analyze("SELECT * FROM a; DELETE FROM b WHERE id IN (SELECT id FROM a); INSERT INTO c VALUES (1)");
        Assert.Equal(["a", "b", "c"], analysis.AllTables);
    }

    [Fact]
    public void Tables_in_functions_subqueries_and_lateral_joins_are_found()
    {
        var statement = Engine.Single(
            "SELECT (SELECT max(x) FROM s1), f((SELECT y FROM s2)) FROM t1, LATERAL (SELECT * FROM t2 WHERE t2.id = t1.id) l WHERE EXISTS (SELECT 1 FROM s3)");
        Assert.Equal(["s1", "s2", "t1", "t2", "s3"], statement.TablesRead);
    }
}
