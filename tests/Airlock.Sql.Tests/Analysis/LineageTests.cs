using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// The lineage of each output column of a row-returning statement: the table columns it derives from,
/// written <c>table.column</c>, with <c>table.*</c> for star expansion and whole rows, and <c>?</c> for a
/// reference that cannot be resolved (which the gateway treats as sensitive).
/// </summary>
public sealed class LineageTests
{
    [Fact]
    public void Aliases_rename_the_column_and_keep_the_source()
    {
        var columns = Engine.Single("SELECT c.email AS contact, c.name FROM customers AS c").Columns;
        AssertColumn(columns[0], "contact", "customers.email");
        AssertColumn(columns[1], "name", "customers.name");
    }

    [Fact]
    public void Expressions_carry_every_column_they_use()
    {
        var columns = Engine.Single("SELECT first || ' ' || last AS full_name, price * qty, CASE WHEN vip THEN ssn ELSE 'n/a' END FROM people").Columns;
        AssertColumn(columns[0], "full_name", "people.first", "people.last");
        AssertColumn(columns[1], "?column?", "people.price", "people.qty");
        AssertColumn(columns[2], "case", "people.ssn", "people.vip");
    }

    [Fact]
    public void Function_calls_carry_their_arguments_and_are_named_after_the_function()
    {
        var columns = Engine.Single("SELECT upper(email), coalesce(nickname, name), substr(ssn, 1, 3) AS prefix, now() FROM people").Columns;
        AssertColumn(columns[0], "upper", "people.email");
        AssertColumn(columns[1], "coalesce", "people.name", "people.nickname");
        AssertColumn(columns[2], "prefix", "people.ssn");
        AssertColumn(columns[3], "now");
    }

    [Fact]
    public void Casts_keep_the_column_name_and_source()
    {
        var columns = Engine.Single("SELECT ssn::text, CAST(salary AS bigint), 'x'::text FROM people").Columns;
        AssertColumn(columns[0], "ssn", "people.ssn");
        AssertColumn(columns[1], "salary", "people.salary");
        AssertColumn(columns[2], "text");
    }

    [Fact]
    public void CTE_columns_trace_back_to_their_tables()
    {
        var columns = Engine.Single("WITH c AS (SELECT ssn AS s, name FROM people), d AS (SELECT s AS t FROM c) SELECT t, name FROM d, c").Columns;
        AssertColumn(columns[0], "t", "people.ssn");
        AssertColumn(columns[1], "name", "people.name");
    }

    [Fact]
    public void CTE_column_lists_rename_columns()
    {
        var columns = Engine.Single("WITH c(secret, n) AS (SELECT ssn, name FROM people) SELECT secret FROM c").Columns;
        AssertColumn(columns[0], "secret", "people.ssn");
    }

    [Fact]
    public void A_column_of_a_CTE_that_selected_star_traces_to_the_whole_table()
    {
        // WITH t AS (SELECT * FROM t): the CTE's columns are not known without the catalog, so t.x is t.*.
        var columns = Engine.Single("WITH t AS (SELECT * FROM t) SELECT a.x, y FROM t a").Columns;
        AssertColumn(columns[0], "x", "t.*");
        AssertColumn(columns[1], "y", "t.*");
    }

    [Fact]
    public void Recursive_CTE_columns_trace_through_both_terms()
    {
        var columns = Engine.Single(
            "WITH RECURSIVE tree AS (SELECT id, parent, name FROM nodes WHERE parent IS NULL UNION ALL SELECT n.id, n.parent, t.name || '/' || n.name FROM nodes n JOIN tree t ON n.parent = t.id) SELECT name FROM tree").Columns;
        AssertColumn(columns[0], "name", "nodes.name");
    }

    [Fact]
    public void Subqueries_in_FROM_expose_their_columns()
    {
        var columns = Engine.Single("SELECT s.x, s.y FROM (SELECT ssn AS x, upper(name) AS y FROM people) s").Columns;
        AssertColumn(columns[0], "x", "people.ssn");
        AssertColumn(columns[1], "y", "people.name");
    }

    [Fact]
    public void Subquery_column_aliases_rename_columns()
    {
        var columns = Engine.Single("SELECT a FROM (SELECT ssn FROM people) s(a)").Columns;
        AssertColumn(columns[0], "a", "people.ssn");
    }

    [Fact]
    public void A_column_of_a_subquery_that_selected_star_traces_to_the_whole_table()
    {
        var columns = Engine.Single("SELECT x.ssn FROM (SELECT * FROM people) x").Columns;
        AssertColumn(columns[0], "ssn", "people.*");
    }

    [Fact]
    public void Scalar_subqueries_carry_the_columns_they_return()
    {
        var columns = Engine.Single("SELECT (SELECT max(salary) FROM pay WHERE pay.person_id = p.id) AS top FROM people p").Columns;
        Assert.Equal("top", columns[0].Name);
        Assert.Contains("pay.salary", columns[0].From, StringComparer.Ordinal);
    }

    [Fact]
    public void EXISTS_carries_nothing()
    {
        var columns = Engine.Single("SELECT EXISTS (SELECT ssn FROM people) FROM orders").Columns;
        AssertColumn(columns[0], "exists");
    }

    [Fact]
    public void Lateral_subqueries_see_the_columns_before_them()
    {
        var columns = Engine.Single("SELECT l.v FROM people p, LATERAL (SELECT p.ssn AS v) l").Columns;
        AssertColumn(columns[0], "v", "people.ssn");
    }

    [Theory]
    [InlineData("SELECT name FROM a UNION SELECT email FROM b")]
    [InlineData("SELECT name FROM a UNION ALL SELECT email FROM b")]
    [InlineData("SELECT name FROM a INTERSECT SELECT email FROM b")]
    [InlineData("SELECT name FROM a EXCEPT SELECT email FROM b")]
    [InlineData("(SELECT name FROM a) UNION (SELECT email FROM b ORDER BY 1 LIMIT 1)")]
    public void Set_operations_merge_the_columns_of_each_branch_by_position(string sql)
    {
        var columns = Engine.Single(sql).Columns;
        AssertColumn(Assert.Single(columns), "name", "a.name", "b.email");
    }

    [Fact]
    public void Three_way_set_operations_merge_every_branch()
    {
        var columns = Engine.Single("SELECT x FROM a UNION SELECT y FROM b UNION SELECT 'const'").Columns;
        AssertColumn(Assert.Single(columns), "x", "a.x", "b.y");
    }

    [Fact]
    public void Aggregates_carry_their_argument_except_count()
    {
        var columns = Engine.Single("SELECT max(salary), string_agg(email, ','), count(ssn), count(*), dept FROM staff GROUP BY dept").Columns;
        AssertColumn(columns[0], "max", "staff.salary");
        AssertColumn(columns[1], "string_agg", "staff.email");
        AssertColumn(columns[2], "count");
        AssertColumn(columns[3], "count");
        AssertColumn(columns[4], "dept", "staff.dept");
    }

    [Fact]
    public void Window_functions_carry_their_arguments_and_window()
    {
        var columns = Engine.Single("SELECT sum(salary) OVER (PARTITION BY dept) FROM staff").Columns;
        AssertColumn(columns[0], "sum", "staff.dept", "staff.salary");
    }

    [Fact]
    public void Star_expands_to_every_table_in_scope()
    {
        var columns = Engine.Single("SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id").Columns;
        Assert.Equal(2, columns.Count);
        AssertColumn(columns[0], "*", "orders.*");
        AssertColumn(columns[1], "*", "customers.*");
    }

    [Fact]
    public void Qualified_star_expands_one_table()
    {
        var columns = Engine.Single("SELECT c.*, o.id FROM orders o JOIN customers c ON c.id = o.customer_id").Columns;
        AssertColumn(columns[0], "*", "customers.*");
        AssertColumn(columns[1], "id", "orders.id");
    }

    [Fact]
    public void Star_over_a_subquery_expands_to_its_columns()
    {
        var columns = Engine.Single("SELECT * FROM (SELECT ssn, name AS n FROM people) s").Columns;
        AssertColumn(columns[0], "ssn", "people.ssn");
        AssertColumn(columns[1], "n", "people.name");
    }

    [Theory]
    [InlineData("SELECT to_json(c) FROM customers c")]
    [InlineData("SELECT row_to_json(c) FROM customers AS c")]
    [InlineData("SELECT to_jsonb(c.*) FROM customers c")]
    [InlineData("SELECT json_agg(c) FROM customers c")]
    [InlineData("SELECT c FROM customers c")]
    [InlineData("SELECT hstore(customers) FROM customers")]
    public void Whole_row_references_carry_the_whole_table(string sql)
    {
        var column = Assert.Single(Engine.Single(sql).Columns);
        Assert.Contains("customers.*", column.From, StringComparer.Ordinal);
    }

    [Fact]
    public void Whole_row_references_to_a_CTE_carry_its_columns()
    {
        var column = Assert.Single(Engine.Single("WITH c AS (SELECT ssn, name FROM people) SELECT to_json(c) FROM c").Columns);
        Assert.Equal(["people.name", "people.ssn"], column.From.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    [Fact]
    public void RETURNING_traces_to_the_target_table()
    {
        AssertColumn(Assert.Single(Engine.Single("INSERT INTO people (ssn) VALUES ('1') RETURNING ssn AS s").Columns), "s", "people.ssn");
        AssertColumn(Assert.Single(Engine.Single("DELETE FROM people WHERE id = 1 RETURNING *").Columns), "*", "people.*");
        var update = Engine.Single("UPDATE people p SET name = o.name FROM other o WHERE o.id = p.id RETURNING p.ssn, o.secret").Columns;
        AssertColumn(update[0], "ssn", "people.ssn");
        AssertColumn(update[1], "secret", "other.secret");
    }

    [Fact]
    public void RETURNING_through_a_CTE_reaches_the_outer_query()
    {
        var column = Assert.Single(Engine.Single("WITH d AS (DELETE FROM people RETURNING ssn) SELECT ssn FROM d").Columns);
        AssertColumn(column, "ssn", "people.ssn");
    }

    [Fact]
    public void VALUES_columns_are_named_column1_and_carry_what_their_rows_carry()
    {
        var columns = Engine.Single("VALUES (1, 'a'), (2, 'b')").Columns;
        AssertColumn(columns[0], "column1");
        AssertColumn(columns[1], "column2");

        var aliased = Engine.Single("SELECT id, label FROM (VALUES (1, (SELECT ssn FROM people LIMIT 1))) v(id, label)").Columns;
        AssertColumn(aliased[0], "id");
        AssertColumn(aliased[1], "label", "people.ssn");
    }

    [Fact]
    public void Joins_resolve_each_qualified_column_to_its_table()
    {
        var columns = Engine.Single(
            "SELECT o.total, c.email, i.sku FROM sales.orders o LEFT JOIN crm.customers c ON c.id = o.customer_id JOIN items i USING (order_id)").Columns;
        AssertColumn(columns[0], "total", "sales.orders.total");
        AssertColumn(columns[1], "email", "crm.customers.email");
        AssertColumn(columns[2], "sku", "items.sku");
    }

    [Fact]
    public void An_unqualified_column_in_a_join_may_come_from_any_table()
    {
        var column = Assert.Single(Engine.Single("SELECT email FROM orders JOIN customers ON true").Columns);
        AssertColumn(column, "email", "customers.email", "orders.email");
    }

    [Fact]
    public void A_join_alias_carries_every_table_it_joins()
    {
        var column = Assert.Single(Engine.Single("SELECT j.email FROM (orders JOIN customers ON true) AS j").Columns);
        AssertColumn(column, "email", "customers.*", "orders.*");
    }

    [Fact]
    public void Table_column_aliases_make_columns_the_whole_table()
    {
        // FROM people p(a, b): a and b are people's first columns, which only the catalog could name.
        var column = Assert.Single(Engine.Single("SELECT a FROM people p(a, b)").Columns);
        AssertColumn(column, "a", "people.*");
    }

    [Fact]
    public void Functions_in_FROM_carry_their_arguments()
    {
        var column = Assert.Single(Engine.Single("SELECT x.a FROM json_to_recordset((SELECT payload FROM events)) AS x(a int)").Columns);
        AssertColumn(column, "a", "events.payload");
    }

    [Fact]
    public void Composite_field_access_is_named_after_the_field()
    {
        var column = Assert.Single(Engine.Single("SELECT (c.address).city FROM customers c").Columns);
        AssertColumn(column, "city", "customers.address");
    }

    [Fact]
    public void A_reference_that_matches_nothing_is_unresolved()
    {
        AssertColumn(Assert.Single(Engine.Single("SELECT x FROM (SELECT 1 AS y) s").Columns), "x", LineageResolver.Unresolved);
        AssertColumn(Assert.Single(Engine.Single("SELECT nothing").Columns), "nothing", LineageResolver.Unresolved);
    }

    [Fact]
    public void A_constant_from_a_subquery_has_no_sources_rather_than_an_unknown_one()
    {
        AssertColumn(Assert.Single(Engine.Single("SELECT y FROM (SELECT 1 AS y) s").Columns), "y");
    }

    [Fact]
    public void COPY_and_cursors_have_lineage_too()
    {
        AssertColumn(Assert.Single(Engine.Single("COPY (SELECT ssn FROM people) TO STDOUT").Columns), "ssn", "people.ssn");
        var listed = Engine.Single("COPY people (ssn, name) TO STDOUT").Columns;
        AssertColumn(listed[0], "ssn", "people.ssn");
        AssertColumn(Assert.Single(Engine.Single("COPY people TO STDOUT").Columns), "*", "people.*");
        AssertColumn(Assert.Single(Engine.Single("DECLARE c CURSOR FOR SELECT ssn FROM people").Columns), "ssn", "people.ssn");
    }

    [Theory]
    [InlineData("INSERT INTO people VALUES (1)")]
    [InlineData("CREATE TABLE t (a int)")]
    [InlineData("SET search_path = x")]
    public void Statements_that_return_no_rows_have_no_columns(string sql) =>
        Assert.Empty(Engine.Single(sql).Columns);

    [Fact]
    public void Lineage_too_deep_to_follow_is_unresolved_not_empty()
    {
        var sql = "SELECT " + string.Concat(Enumerable.Repeat("coalesce(", 300)) + "ssn" + new string(')', 300) + " FROM people";
        var column = Assert.Single(Engine.Single(sql).Columns);
        Assert.Equal([LineageResolver.Unresolved], column.From);
    }

    private static void AssertColumn(OutputColumn column, string name, params string[] from)
    {
        Assert.Equal(name, column.Name);
        Assert.Equal(from.Order(StringComparer.Ordinal), column.From.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }
}
