using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// Catalogs and functions that hold values (issue 14, class F) are flagged catalog_values however they are
/// named or reached; pg_stat_activity only when its query column can be reached.
/// </summary>
public sealed class CatalogValuesTests
{
    [Theory]
    [InlineData("SELECT * FROM pg_stats WHERE tablename = 'customers'", "pg_stats")]
    [InlineData("SELECT most_common_vals FROM pg_catalog.pg_stats", "pg_stats")]
    [InlineData("SELECT * FROM \"pg_stats\"", "pg_stats")]
    [InlineData("SELECT * FROM demo.pg_catalog.pg_stats", "pg_stats")]
    [InlineData("WITH s AS (SELECT * FROM pg_stats) SELECT * FROM s", "pg_stats")]
    [InlineData("SELECT (SELECT histogram_bounds::text FROM pg_stats LIMIT 1)", "pg_stats")]
    [InlineData("SELECT stavalues1 FROM pg_statistic", "pg_statistic")]
    [InlineData("SELECT * FROM pg_stats_ext", "pg_stats_ext")]
    [InlineData("SELECT * FROM pg_stats_ext_exprs", "pg_stats_ext_exprs")]
    [InlineData("SELECT stxdmcv FROM pg_statistic_ext_data", "pg_statistic_ext_data")]
    [InlineData("SELECT passwd FROM pg_shadow", "pg_shadow")]
    [InlineData("SELECT rolpassword FROM pg_authid", "pg_authid")]
    [InlineData("SELECT umoptions FROM pg_user_mappings", "pg_user_mappings")]
    [InlineData("SELECT data FROM pg_largeobject", "pg_largeobject")]
    [InlineData("SELECT * FROM pg_file_settings", "pg_file_settings")]
    [InlineData("SELECT query FROM pg_stat_statements", "pg_stat_statements")]
    [InlineData("COPY pg_statistic TO STDOUT", "pg_statistic")]
    [InlineData("SELECT lo_get(16385)", "lo_get()")]
    [InlineData("SELECT loread(0, 100)", "loread()")]
    [InlineData("SELECT pg_stat_get_activity(NULL)", "pg_stat_get_activity()")]
    [InlineData("SELECT * FROM pg_stat_get_activity(NULL)", "pg_stat_get_activity()")]
    [InlineData("SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s", "pg_stat_get_backend_activity()")]
    [InlineData("SELECT * FROM pg_logical_slot_peek_changes('s', NULL, NULL)", "pg_logical_slot_peek_changes()")]
    [InlineData("SELECT * FROM pg_catalog.pg_logical_slot_peek_binary_changes('s', NULL, NULL)", "pg_logical_slot_peek_binary_changes()")]
    [InlineData("SELECT * FROM heap_page_items(get_raw_page('customers', 0))", "get_raw_page()")]
    [InlineData("SELECT query_to_xml('SELECT * FROM pg_stats', true, true, '')", "pg_stats")]
    [InlineData("SELECT * FROM pg_stat_activity", "pg_stat_activity.query")]
    public void Value_catalogs_are_flagged(string sql, string named)
    {
        var statement = Engine.Single(sql);
        Assert.True(statement.Flags.HasFlag(SqlFlags.CatalogValues), $"{sql} is not flagged");
        Assert.Contains(named, statement.ValueCatalogs);
    }

    [Theory]
    [InlineData("SELECT query FROM pg_stat_activity")]
    [InlineData("SELECT ARRAY[query] FROM pg_stat_activity")]
    [InlineData("SELECT row(query) FROM pg_stat_activity")]
    [InlineData("SELECT a.query FROM pg_catalog.pg_stat_activity a")]
    [InlineData("SELECT (a).query FROM pg_stat_activity a")]
    [InlineData("SELECT to_json(a) FROM pg_stat_activity a")]
    [InlineData("SELECT pg_stat_activity FROM pg_stat_activity")]
    [InlineData("SELECT row_to_json(j) FROM (pg_stat_activity JOIN pg_locks USING (pid)) j")]
    [InlineData("SELECT a.* FROM pg_stat_activity a")]
    [InlineData("TABLE pg_stat_activity")]
    [InlineData("SELECT pid FROM pg_stat_activity WHERE query LIKE '%ssn%'")]
    [InlineData("SELECT pid FROM pg_stat_activity ORDER BY \"query\"")]
    [InlineData("SELECT pid FROM pg_stat_activity NATURAL JOIN (SELECT 'x' AS query) q")]
    [InlineData("SELECT x20 FROM pg_stat_activity AS a(x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18, x19, x20)")]
    [InlineData("WITH a AS (SELECT * FROM pg_stat_activity) SELECT pid FROM a")]
    [InlineData("SELECT pid FROM (SELECT pid, query AS q FROM pg_stat_activity) s WHERE q > ''")]
    public void Any_way_to_pg_stat_activity_query_is_flagged(string sql) =>
        Assert.True(Engine.Single(sql).Flags.HasFlag(SqlFlags.CatalogValues), $"{sql} is not flagged");

    [Theory]
    [InlineData("SELECT pid, state, wait_event, query_start FROM pg_stat_activity")]
    [InlineData("SELECT pid, usename, state, now() - query_start AS running FROM pg_stat_activity WHERE state <> 'idle' ORDER BY running DESC")]
    [InlineData("SELECT count(*) FROM pg_stat_activity")]
    [InlineData("SELECT * FROM pg_roles")]
    [InlineData("SELECT * FROM pg_locks")]
    [InlineData("SELECT relname, n_live_tup FROM pg_stat_user_tables")]
    [InlineData("SELECT * FROM pg_tables")]
    [InlineData("WITH pg_stats AS (SELECT 1 AS x) SELECT * FROM pg_stats")]
    [InlineData("SELECT 'pg_stats', 'query'")]
    public void Harmless_catalog_reads_are_not_flagged(string sql) =>
        Assert.False(Engine.Single(sql).Flags.HasFlag(SqlFlags.CatalogValues), $"{sql} is flagged");
}
