using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>Each flag is raised where it applies and only there.</summary>
public sealed class FlagTests
{
    [Theory]
    [InlineData("UPDATE orders SET total = 0", true)]
    [InlineData("DELETE FROM orders", true)]
    [InlineData("DELETE FROM ONLY orders", true)]
    [InlineData("DELETE FROM orders RETURNING *", true)]
    [InlineData("WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d", true)]
    [InlineData("UPDATE orders SET total = 0 WHERE id = 1", false)]
    [InlineData("UPDATE orders SET total = 0 WHERE true", false)]
    [InlineData("DELETE FROM orders WHERE CURRENT OF c", false)]
    [InlineData("DELETE FROM orders USING items WHERE items.order_id = orders.id", false)]
    [InlineData("INSERT INTO orders SELECT * FROM staging", false)]
    [InlineData("MERGE INTO orders USING staging ON orders.id = staging.id WHEN MATCHED THEN DELETE", false)]
    public void No_WHERE_is_flagged_on_UPDATE_and_DELETE_only(string sql, bool flagged) =>
        Assert.Equal(flagged, Engine.FlagsOf(sql).Contains("no_where", StringComparer.Ordinal));

    [Theory]
    [InlineData("EXPLAIN ANALYZE SELECT 1", true)]
    [InlineData("EXPLAIN (ANALYZE, BUFFERS) SELECT 1", true)]
    [InlineData("EXPLAIN (ANALYZE TRUE) SELECT 1", true)]
    [InlineData("EXPLAIN SELECT 1", false)]
    [InlineData("EXPLAIN (ANALYZE FALSE) SELECT 1", false)]
    [InlineData("ANALYZE orders", false)]
    public void EXPLAIN_ANALYZE_is_flagged(string sql, bool flagged) =>
        Assert.Equal(flagged, Engine.FlagsOf(sql).Contains("explain_analyze", StringComparer.Ordinal));

    [Theory]
    [InlineData("COPY orders TO '/tmp/o'", "copy_file")]
    [InlineData("COPY orders FROM '/tmp/o'", "copy_file")]
    [InlineData("COPY (SELECT 1) TO '/tmp/o'", "copy_file")]
    [InlineData("COPY orders TO PROGRAM 'gzip > /tmp/o.gz'", "copy_program")]
    [InlineData("COPY orders FROM PROGRAM 'cat /tmp/o'", "copy_program")]
    public void COPY_to_or_from_the_server_is_flagged_by_file_or_program(string sql, string flag)
    {
        var flags = Engine.FlagsOf(sql);
        Assert.Equal([flag], flags.Where(f => f.StartsWith("copy_", StringComparison.Ordinal)), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("COPY orders TO STDOUT")]
    [InlineData("COPY orders FROM STDIN")]
    [InlineData("COPY (SELECT 1) TO STDOUT")]
    public void COPY_with_the_client_is_not_flagged(string sql) =>
        Assert.DoesNotContain(Engine.FlagsOf(sql), f => f.StartsWith("copy_", StringComparison.Ordinal));

    [Theory]
    [InlineData("SET ROLE admin", true)]
    [InlineData("SET LOCAL ROLE admin", true)]
    [InlineData("RESET ROLE", true)]
    [InlineData("SET SESSION AUTHORIZATION admin", true)]
    [InlineData("SET SESSION AUTHORIZATION DEFAULT", true)]
    [InlineData("SET \"ROLE\" TO admin", true)]
    [InlineData("SET search_path = admin", false)]
    [InlineData("GRANT admin TO bob", false)]
    public void Role_changes_are_flagged(string sql, bool flagged) =>
        Assert.Equal(flagged, Engine.FlagsOf(sql).Contains("role_change", StringComparer.Ordinal));

    [Theory]
    [InlineData("SELECT * FROM orders FOR UPDATE", true)]
    [InlineData("SELECT * FROM orders FOR SHARE OF orders NOWAIT", true)]
    [InlineData("SELECT 1 FROM (SELECT * FROM orders FOR KEY SHARE) s", true)]
    [InlineData("SELECT * FROM orders", false)]
    [InlineData("LOCK TABLE orders", false)]
    public void Locking_clauses_are_flagged(string sql, bool flagged) =>
        Assert.Equal(flagged, Engine.FlagsOf(sql).Contains("locking_clause", StringComparer.Ordinal));

    [Fact]
    public void SELECT_INTO_and_side_effect_functions_are_flagged()
    {
        Assert.Contains("select_into", Engine.FlagsOf("SELECT 1 INTO t"), StringComparer.Ordinal);
        Assert.Contains("side_effect_function", Engine.FlagsOf("SELECT nextval('s')"), StringComparer.Ordinal);
        Assert.DoesNotContain("side_effect_function", Engine.FlagsOf("SELECT currval('s'), now(), lower('X')"), StringComparer.Ordinal);
    }

    [Fact]
    public void Nothing_is_flagged_on_a_plain_read()
    {
        Assert.Equal(SqlFlags.None, Engine.Single("SELECT o.id, count(*) FROM orders o JOIN items i ON i.order_id = o.id WHERE o.total > 10 GROUP BY o.id").Flags);
    }

    [Fact]
    public void Every_flag_has_a_name_for_output()
    {
        foreach (var flag in Enum.GetValues<SqlFlags>().Where(f => f != SqlFlags.None))
        {
            var name = Assert.Single(flag.ToNames());
            Assert.Matches("^[a-z_]+$", name);
        }

        Assert.Empty(SqlFlags.None.ToNames());
    }
}
