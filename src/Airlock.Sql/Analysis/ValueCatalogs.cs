using System.Collections.Frozen;

namespace Airlock.Sql.Analysis;

/// <summary>
/// System relations and functions that hand out column values, other sessions' SQL text or secrets, which
/// masking cannot follow (issue 14, class F): <c>pg_stats</c> holds the most common values and histograms of
/// every column, masked or denied; <c>pg_stat_activity.query</c> holds other users' statements with their
/// literals. A statement that reads one gets the flag <see cref="SqlFlags.CatalogValues"/>, and the gateway
/// refuses it before policy (AL0921), so no policy can allow it by accident.
/// </summary>
/// <remarks>
/// Inventory: every view in PostgreSQL 15's src/backend/catalog/system_views.sql, every table of pg_catalog
/// (src/include/catalog/*.h), and the functions behind them (src/include/catalog/pg_proc.dat), plus the
/// contrib modules that read values (pg_stat_statements, pageinspect, test_decoding through logical slots).
/// docs/security.md (class F) gives the decision and the reason for each; the ones not here show names,
/// sizes, counters, settings or definitions, not rows. Names match whatever schema qualifies them, so
/// <c>pg_catalog.pg_stats</c>, <c>"pg_stats"</c> and an unqualified <c>pg_stats</c> under any search_path are all
/// refused; a user table of the same name is refused too, which errs on the safe side.
/// </remarks>
internal static class ValueCatalogs
{
    /// <summary>The relation whose columns are allowed except <see cref="ActivityQueryColumn"/>.</summary>
    public const string Activity = "pg_stat_activity";

    /// <summary>pg_stat_activity's column with other sessions' SQL text.</summary>
    public const string ActivityQueryColumn = "query";

    /// <summary>Relations refused whole, by unqualified name.</summary>
    public static readonly FrozenSet<string> Relations = new[]
    {
        // Planner statistics: stavalues1..5 / most_common_vals / histogram_bounds are column values (pg_statistic.h).
        "pg_statistic", "pg_stats", "pg_statistic_ext_data", "pg_stats_ext", "pg_stats_ext_exprs",

        // Password hashes (pg_authid.rolpassword, pg_shadow.passwd); pg_roles and pg_user show ******** instead.
        "pg_authid", "pg_shadow",

        // Connection options that hold passwords: user mappings' umoptions, subscriptions' subconninfo.
        "pg_user_mapping", "pg_user_mappings", "pg_subscription",

        // Large object data, page by page.
        "pg_largeobject",

        // The server's configuration files as written, secrets included (primary_conninfo, ssl passphrase commands).
        "pg_file_settings",

        // pg_stat_statements (F.32): every user's statement text, with comments and the constants of utility statements.
        "pg_stat_statements",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Functions refused, by unqualified name.</summary>
    public static readonly FrozenSet<string> Functions = new[]
    {
        // The functions behind pg_stat_activity: the query text of any backend (pgstatfuncs.c).
        "pg_stat_get_activity", "pg_stat_get_backend_activity",

        // pg_stat_statements' function form.
        "pg_stat_statements",

        // Large object contents (§35.4): lo_get reads a whole object, loread reads from an open one.
        "lo_get", "loread",

        // Logical decoding returns every change to every table, values included (§9.27.6).
        "pg_logical_slot_peek_changes", "pg_logical_slot_peek_binary_changes", "pg_logical_slot_get_changes", "pg_logical_slot_get_binary_changes",

        // pageinspect (F.25): raw pages and the tuples and index keys in them.
        "get_raw_page", "heap_page_items", "heap_page_item_attrs", "tuple_data_split", "bt_page_items", "brin_page_items",
        "gist_page_items", "gist_page_items_bytea", "hash_page_items", "gin_leafpage_items",
    }.ToFrozenSet(StringComparer.Ordinal);
}
