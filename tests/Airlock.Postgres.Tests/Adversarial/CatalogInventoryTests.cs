using Airlock.Sql.Analysis;
using Airlock.TestSupport;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// The lists of classes A and F (SqlRunningFunctions, ValueCatalogs) checked against a real PostgreSQL 15's
/// catalog, with the contrib extensions that call SPI or read values installed: every name exists, every
/// function whose C entry point calls SPI with the caller's SQL is listed, and every function that takes a
/// relation or a cursor is either listed or reviewed as returning no rows.
/// </summary>
public sealed class CatalogInventoryTests : IAsyncLifetime
{
    /// <summary>
    /// The C entry points (pg_proc.prosrc) that run SQL they are given or read what an argument names, found as
    /// SqlRunningFunctions' remarks say: SPI callers in the postgres binary and in contrib libraries, read in the sources.
    /// </summary>
    private static readonly string[] SpiEntryPoints =
    [
        "ts_stat1", "ts_stat2", "tsquery_rewrite_query", // tsvector_op.c, tsquery_rewrite.c
        "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", // xml.c
        "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema", "schema_to_xml", "schema_to_xmlschema",
        "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
        "crosstab", "crosstab_hash", "connectby_text", "connectby_text_serial", // contrib/tablefunc
        "xpath_table", // contrib/xml2
        "dblink_record", "dblink_exec", "dblink_open", "dblink_send_query", // contrib/dblink
    ];

    private PostgresCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        await _cluster.CreateDatabaseAsync("inventory");
        await _cluster.RunPsqlAsync("inventory", "CREATE EXTENSION tablefunc; CREATE EXTENSION xml2; CREATE EXTENSION dblink; CREATE EXTENSION pageinspect; CREATE EXTENSION pg_stat_statements");
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Every_listed_function_exists()
    {
        var names = await LinesAsync("SELECT DISTINCT proname FROM pg_proc");
        Assert.All(SqlRunningFunctions.Names, name => Assert.Contains(name, names));
        Assert.All(ValueCatalogs.Functions, name => Assert.Contains(name, names));
    }

    [Fact]
    public async Task Every_listed_relation_exists()
    {
        var relations = await LinesAsync("SELECT relname FROM pg_class WHERE relkind IN ('r', 'v')");
        Assert.All(ValueCatalogs.Relations.Append(ValueCatalogs.Activity), name => Assert.Contains(name, relations));
    }

    [Fact]
    public async Task Every_function_whose_C_code_runs_the_callers_SQL_is_listed()
    {
        var quoted = string.Join(", ", SpiEntryPoints.Select(p => $"'{p}'"));
        var functions = await LinesAsync($"SELECT DISTINCT proname FROM pg_proc WHERE prolang IN (12, 13) AND prosrc IN ({quoted})");
        Assert.True(functions.Count >= 20, "the entry points were not found: is this PostgreSQL 15 with contrib?");
        Assert.All(functions, name => Assert.True(SqlRunningFunctions.Contains(name), $"{name} runs SQL it is given, and is not in SqlRunningFunctions"));
    }

    [Fact]
    public async Task Every_function_taking_a_relation_a_cursor_or_a_query_is_listed_or_reviewed()
    {
        var functions = await LinesAsync("""
            SELECT DISTINCT proname FROM pg_proc
            WHERE 'regclass'::regtype = ANY (proargtypes) OR 'refcursor'::regtype = ANY (proargtypes)
               OR proargnames && ARRAY['query', 'sql', 'relname', 'tbl', 'cursor']
               OR proname ~ '(_to_xml|ts_stat|ts_rewrite|crosstab|connectby|xpath_table|^dblink)'
            """);
        var reviewedElsewhere = new HashSet<string>(StringComparer.Ordinal)
        {
            // Output parameters named query: their text is other sessions' SQL, refused by ValueCatalogs.
            "pg_stat_get_activity", "pg_stat_statements",
            // pg_lock_status has an output column named relation (an OID); dblink's connection management runs no SQL, and dblink_current_query returns this session's own text.
            "pg_lock_status", "dblink_connect", "dblink_connect_u", "dblink_disconnect", "dblink_get_connections", "dblink_is_busy",
            "dblink_get_notify", "dblink_cancel_query", "dblink_error_message", "dblink_fetch", "dblink_close", "dblink_get_result",
            "dblink_current_query", "dblink_build_sql_insert", "dblink_build_sql_delete", "dblink_build_sql_update", "dblink_get_pkey", "dblink_fdw_validator",
            // pageinspect takes relations by name: ValueCatalogs refuses the ones that return values.
            "get_raw_page", "bt_metap", "bt_page_stats", "bt_page_items", "brin_page_items", "gist_page_items", "gin_leafpage_items",
            "hash_bitmap_info", "page_checksum", "fsm_page_contents", "brin_metapage_info", "brin_revmap_data", "gin_metapage_info",
            "gin_page_opaque_info", "gist_page_opaque_info", "hash_metapage_info", "hash_page_items", "hash_page_stats", "hash_page_type",
            "heap_page_items", "heap_page_item_attrs", "tuple_data_split", "page_header", "brin_page_type", "bt_multi_page_stats",
            "gist_page_items_bytea", "heap_tuple_infomask_flags",
        };
        Assert.All(functions, name => Assert.True(
            SqlRunningFunctions.Contains(name) || SqlRunningFunctions.ReviewedRelationArgumentFunctions.Contains(name)
            || ValueCatalogs.Functions.Contains(name) || reviewedElsewhere.Contains(name),
            $"{name} takes a relation, a cursor or a query and is neither listed nor reviewed"));
    }

    private async Task<HashSet<string>> LinesAsync(string sql) =>
        [.. (await _cluster.RunPsqlAsync("inventory", sql)).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
}
