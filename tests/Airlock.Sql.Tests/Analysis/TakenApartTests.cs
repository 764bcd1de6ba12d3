using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// Which table columns a statement takes apart outside its output (docs/security.md, class E): whole
/// comparisons with written-out guesses are not listed, everything else is, in every clause and at any depth.
/// </summary>
public sealed class TakenApartTests
{
    [Theory]
    [InlineData("SELECT id FROM customers WHERE email = 'x@example.com'")]
    [InlineData("SELECT id FROM customers WHERE email = $1")]
    [InlineData("SELECT id FROM customers WHERE email::text = $1::text")]
    [InlineData("SELECT id FROM customers WHERE email <> 'x' AND ssn != 'y'")]
    [InlineData("SELECT id FROM customers WHERE email IN ('a', 'b') OR email NOT IN ('c')")]
    [InlineData("SELECT id FROM customers WHERE email = ANY($1) AND ssn <> ALL(ARRAY['a', 'b'])")]
    [InlineData("SELECT id FROM customers WHERE ssn IS NULL OR ssn IS NOT NULL")]
    [InlineData("SELECT id FROM customers WHERE ssn IS DISTINCT FROM 'x' AND email IS NOT DISTINCT FROM $2")]
    [InlineData("SELECT c.id FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.total > 100")]
    [InlineData("SELECT c.id FROM customers c JOIN contacts k ON k.email = c.email")]
    [InlineData("SELECT c.id FROM customers c JOIN contacts k USING (email)")]
    [InlineData("SELECT id FROM customers WHERE email IN (SELECT email FROM contacts)")]
    [InlineData("SELECT id FROM customers WHERE email = lower($1)")]
    [InlineData("SELECT count(DISTINCT email), count(ssn) FROM customers")]
    [InlineData("SELECT substr(ssn, 1, 3) FROM customers")]
    [InlineData("SELECT email FROM customers UNION SELECT 'x'")]
    [InlineData("SELECT id FROM customers c WHERE CASE WHEN ssn = 'x' THEN true END")]
    [InlineData("SELECT row_number() OVER (PARTITION BY id ORDER BY id), email FROM customers")]
    [InlineData("SELECT id FROM customers ORDER BY id LIMIT 10 OFFSET 5")]
    public void Whole_uses_of_the_sensitive_columns_are_not_taken_apart(string sql) =>
        Assert.DoesNotContain(Engine.Single(sql).TakenApart, u => u.Column is "customers.ssn" or "customers.email" or "contacts.email");

    [Theory]
    [InlineData("SELECT p, g FROM customers c, generate_series(1,30) p, generate_series(32,126) g WHERE c.id = 9001 AND ascii(substr(c.full_name,p,1)) = g", "customers.full_name", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn LIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn ILIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn SIMILAR TO '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn ~ '^0'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn < '5'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn BETWEEN '0' AND '5'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE lower(email) = 'x'", "customers.email", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE email::varchar(3) = 'zeb'", "customers.email", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE email::char = 'z'", "customers.email", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE email COLLATE \"C\" = 'x'", "customers.email", "WHERE")]
    [InlineData("SELECT id FROM customers ORDER BY ssn LIMIT 1", "customers.ssn", "ORDER BY")]
    [InlineData("SELECT id, ssn FROM customers ORDER BY 2", "customers.ssn", "ORDER BY")]
    [InlineData("SELECT id, ssn AS s FROM customers ORDER BY s", "customers.ssn", "ORDER BY")]
    [InlineData("SELECT left(ssn, 1), count(*) FROM customers GROUP BY 1", "customers.ssn", "GROUP BY")]
    [InlineData("SELECT count(*) FROM customers GROUP BY substr(ssn, 1, 1)", "customers.ssn", "GROUP BY")]
    [InlineData("SELECT DISTINCT ON (left(ssn, 1)) id FROM customers", "customers.ssn", "DISTINCT ON")]
    [InlineData("SELECT DISTINCT ON (ssn) id FROM customers", "customers.ssn", "DISTINCT ON")]
    [InlineData("SELECT email, count(*) FROM customers GROUP BY email", "customers.email", "GROUP BY")]
    [InlineData("SELECT DISTINCT email FROM customers", "customers.email", "DISTINCT")]
    [InlineData("SELECT DISTINCT id, ssn FROM customers", "customers.ssn", "DISTINCT")]
    [InlineData("SELECT row_number() OVER (PARTITION BY email ORDER BY id) FROM customers", "customers.email", "select list")]
    [InlineData("SELECT id FROM customers NATURAL JOIN (SELECT 'x' || g AS email FROM generate_series(1, 9) g) v", "customers.email", "JOIN USING")]
    [InlineData("SELECT count(*) FROM customers HAVING max(ssn) > '5'", "customers.ssn", "HAVING")]
    [InlineData("SELECT count(*) FILTER (WHERE ssn LIKE '0%') FROM customers", "customers.ssn", "select list")]
    [InlineData("SELECT count(CASE WHEN ssn < '5' THEN 1 END) FROM customers", "customers.ssn", "select list")]
    [InlineData("SELECT id FROM customers LIMIT (SELECT length(ssn) FROM customers WHERE id = 1)", "customers.ssn", "LIMIT")]
    [InlineData("SELECT id FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND c.ssn LIKE '0%')", "customers.ssn", "WHERE")]
    [InlineData("SELECT EXISTS (SELECT 1 FROM customers WHERE ssn > '5')", "customers.ssn", "WHERE")]
    [InlineData("WITH x AS (SELECT id, substr(ssn, 1, 1) AS s FROM customers) SELECT id FROM x WHERE s = '0'", "customers.ssn", "WHERE")]
    [InlineData("WITH x AS (SELECT id FROM customers WHERE ssn < '5') SELECT count(*) FROM x", "customers.ssn", "WHERE")]
    [InlineData("SELECT t.id FROM (SELECT id, ssn FROM customers) t WHERE t.ssn > '5'", "customers.ssn", "WHERE")]
    [InlineData("WITH x AS (SELECT * FROM customers) SELECT id FROM x WHERE x.ssn LIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM (SELECT * FROM customers) s WHERE ssn LIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id AND c.ssn < '5'", "customers.ssn", "JOIN ON")]
    [InlineData("SELECT count(*) FROM customers c, LATERAL generate_series(1, ascii(c.ssn)) g", "customers.ssn", "FROM")]
    [InlineData("SELECT x.v FROM customers c CROSS JOIN LATERAL (SELECT substr(c.ssn, 1, 1) AS v) x WHERE x.v = '0'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers c WHERE c::text LIKE '%078%'", "customers.*", "WHERE")]
    [InlineData("SELECT id FROM customers c WHERE to_jsonb(c) ->> 'ssn' = 'x'", "customers.*", "WHERE")]
    [InlineData("SELECT id FROM customers c WHERE row(c.*)::text LIKE '%x%'", "customers.*", "WHERE")]
    [InlineData("SELECT rank() OVER w FROM customers WINDOW w AS (ORDER BY ssn)", "customers.ssn", "WINDOW")]
    [InlineData("SELECT id FROM customers WHERE (SELECT ssn FROM customers WHERE id = 1) LIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE ssn < ANY (SELECT '5')", "customers.ssn", "WHERE")]
    [InlineData("UPDATE orders SET status = 'x' WHERE customer_id IN (SELECT id FROM customers WHERE ssn LIKE '0%')", "customers.ssn", "WHERE")]
    [InlineData("EXPLAIN ANALYZE SELECT * FROM customers WHERE ssn LIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("DECLARE c CURSOR FOR SELECT id FROM customers WHERE ssn LIKE '0%'", "customers.ssn", "WHERE")]
    [InlineData("SELECT id FROM customers WHERE CASE WHEN substr(ssn, 1, 1) = '0' THEN true ELSE false END", "customers.ssn", "WHERE")]
    public void Taking_apart_is_recorded_with_the_column_and_the_clause(string sql, string column, string clause)
    {
        var uses = Engine.Single(sql).TakenApart;
        Assert.Contains(uses, u => u.Column == column && u.Clause == clause);
    }

    [Theory]
    [InlineData("SELECT g FROM customers c, generate_series(0, 999999999) g WHERE c.ssn = to_char(g, 'FM000-00-0000')")]
    [InlineData("SELECT g FROM customers c JOIN generate_series(0, 9999) g ON c.ssn = g::text")]
    [InlineData("SELECT g FROM generate_series(1, 100) g WHERE g::text IN (SELECT ssn FROM customers)")]
    [InlineData("SELECT g FROM generate_series(1, 100) g WHERE EXISTS (SELECT 1 FROM customers c WHERE c.ssn = g::text)")]
    [InlineData("SELECT v FROM customers c, unnest(ARRAY['a', 'b']) v WHERE c.ssn = v")]
    [InlineData("SELECT count(*) FROM (SELECT ssn FROM customers WHERE id = 9001 INTERSECT SELECT to_char(g, 'FM000-00-0000') FROM generate_series(0, 99999) g) x")]
    [InlineData("SELECT count(*) FROM (SELECT ssn FROM customers UNION SELECT g::text FROM generate_series(1, 9) g) x")]
    [InlineData("SELECT c.id FROM customers c, orders a, orders b WHERE c.ssn = (a.id * 100000 + b.id)::text")]
    [InlineData("SELECT id FROM customers WHERE ssn IN (SELECT lower(email) FROM customers)")]
    public void Comparing_whole_with_generated_guesses_is_taken_apart(string sql)
    {
        var uses = Engine.Single(sql).TakenApart;
        Assert.Contains(uses, u => u.Column == "customers.ssn");
    }

    [Fact]
    public void Union_all_of_a_computed_value_compares_nothing()
    {
        Assert.Empty(Engine.Single("SELECT ssn FROM customers UNION ALL SELECT g::text FROM generate_series(1, 9) g").TakenApart);
    }

    [Fact]
    public void Output_columns_say_whether_they_are_direct()
    {
        var columns = Engine.Single(
            "WITH x AS (SELECT card_number AS n, reverse(card_number) AS r FROM customers) " +
            "SELECT n, r, n::text, left(n, 12), 'k', s.card_number, s.card_number::varchar(4) FROM x, (SELECT card_number FROM customers) s").Columns;
        Assert.Equal([true, false, true, false, true, true, false], columns.Select(c => c.Direct));
    }

    [Fact]
    public void Set_operations_and_values_are_direct_only_when_every_branch_is()
    {
        Assert.True(Assert.Single(Engine.Single("SELECT email FROM customers UNION SELECT 'x'").Columns).Direct);
        Assert.False(Assert.Single(Engine.Single("SELECT email FROM customers UNION SELECT upper(email) FROM customers").Columns).Direct);
        Assert.True(Assert.Single(Engine.Single("SELECT * FROM (VALUES ('a'), ('b')) v(x)").Columns).Direct);
    }

    [Fact]
    public void An_ordinal_in_order_by_keeps_the_analysis_out_of_the_shape_cache()
    {
        var analyzer = new SqlAnalyzer();
        Assert.DoesNotContain(analyzer.Analyze("SELECT ssn, id FROM customers ORDER BY 2").Statements[0].TakenApart, u => u.Column == "customers.ssn");
        Assert.Contains(analyzer.Analyze("SELECT ssn, id FROM customers ORDER BY 1").Statements[0].TakenApart, u => u.Column == "customers.ssn");
    }

    [Fact]
    public void The_use_names_how_the_column_is_taken_apart()
    {
        var use = Assert.Single(Engine.Single("SELECT id FROM customers WHERE substr(ssn, 1, 1) = '0'").TakenApart, u => u.How == "substr()");
        Assert.Equal(new ColumnUse("customers.ssn", "substr()", "WHERE"), use);
    }

    [Theory]
    [InlineData("(SELECT email FROM customers WHERE email = {0})")]
    [InlineData("(SELECT lower(email) FROM customers WHERE email = {0})")]
    public void Deeply_nested_whole_comparisons_finish_quickly_and_fail_closed_if_too_much(string shape)
    {
        var inner = "'x'";
        for (var i = 0; i < 40; i++)
        {
            inner = string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, inner);
        }

        var sql = $"SELECT id FROM customers WHERE email = {inner}";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var analysis = Engine.Single(sql);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        if (shape.Contains("lower", StringComparison.Ordinal))
        {
            Assert.Contains(analysis.TakenApart, u => u.Column is "customers.email" or "?");
        }
        else
        {
            Assert.DoesNotContain(analysis.TakenApart, u => u.Column is "customers.email");
        }
    }
}
