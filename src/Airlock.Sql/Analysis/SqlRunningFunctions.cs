using System.Collections.Frozen;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Server functions that run SQL given to them as text, or read a relation, schema, database or cursor named
/// by an argument, and hand back what they read (issue 14, class A). The statement around such a call shows
/// the parser nothing of that SQL: <c>SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', ssn) FROM card_vault')</c>
/// reads card_vault. <see cref="EmbeddedSql"/> analyses a constant SQL argument like the statement itself and
/// merges what it finds; anything else is refused before policy (flag <see cref="SqlFlags.HiddenSql"/>).
/// </summary>
/// <remarks>
/// How the list was derived (PostgreSQL 15; docs/sql.md repeats this):
/// <list type="number">
/// <item>Every caller of the SPI entry points that run SQL (<c>SPI_connect</c>, <c>SPI_execute*</c>, <c>SPI_exec*</c>,
/// <c>SPI_prepare*</c>, <c>SPI_cursor_open*</c>, <c>SPI_cursor_parse_open</c>) in the PostgreSQL 15 server binary
/// (Debian's /usr/lib/postgresql/15/bin/postgres, <c>objdump -d</c>, each call attributed to its function), and
/// every contrib library in /usr/lib/postgresql/15/lib that imports them (<c>nm -D --undefined-only</c>).</item>
/// <item>The static callers were read in the REL_15 sources: src/backend/utils/adt/tsvector_op.c (<c>ts_stat_sql</c>,
/// reached from <c>ts_stat1</c>, <c>ts_stat2</c>: SPI_prepare + SPI_cursor_open of the text argument),
/// tsquery_rewrite.c (<c>tsquery_rewrite_query</c>: the same with the second argument), xml.c
/// (<c>query_to_xml_internal</c>: SPI_execute of the text, or of <c>SELECT * FROM</c> the regclass for
/// <c>table_to_xml*</c>, or of every visible table for <c>schema_to_xml*</c>/<c>database_to_xml*</c>;
/// <c>query_to_xmlschema</c>, <c>query_to_xml_and_xmlschema</c>: SPI_prepare + SPI_cursor_open;
/// <c>cursor_to_xml</c>, <c>cursor_to_xmlschema</c>: SPI_cursor_find of a portal by name), ruleutils.c and
/// ri_triggers.c, and src/backend/commands/matview.c.</item>
/// <item>C function names were mapped to SQL names with pg_proc.prosrc (src/include/catalog/pg_proc.dat, and a
/// live server's pg_proc: the test SqlRunningFunctionsCatalogTests checks this list against it).</item>
/// </list>
/// Left out, with the reason: ruleutils.c (<c>pg_get_ruledef</c>, <c>pg_get_viewdef</c>: fixed queries on
/// pg_rewrite, never the caller's text), ri_triggers.c and contrib refint (trigger functions, which refuse a
/// direct call), matview.c (<c>REFRESH MATERIALIZED VIEW</c>, a statement, DDL here), plpgsql (<c>DO</c> is a
/// statement of kind procedural; functions need <c>CREATE FUNCTION</c>). No other built-in reads a relation named by
/// a string or regclass and returns its rows: the functions taking a regclass return sizes, paths, properties or
/// sequence values (see <see cref="ReviewedRelationArgumentFunctions"/>), and regclass, regproc and the other reg*
/// casts only turn a name into an OID.
/// </remarks>
internal static class SqlRunningFunctions
{
    private static readonly FrozenDictionary<string, EmbeddedArgument> Functions = Build();

    /// <summary>Functions that take a relation (regclass) or a cursor (refcursor) but return no row content, as reviewed against pg_proc.</summary>
    public static readonly FrozenSet<string> ReviewedRelationArgumentFunctions = new[]
    {
        "brin_desummarize_range", "brin_summarize_new_values", "brin_summarize_range", "gin_clean_pending_list", // index maintenance (admin, SideEffectFunctions)
        "currval", "nextval", "setval", "pg_sequence_last_value", // a sequence's number, not a table's rows
        "pg_column_is_updatable", "pg_relation_is_updatable", "pg_relation_is_publishable", "pg_index_column_has_property",
        "pg_index_has_property", "pg_get_replica_identity_index", "pg_extension_config_dump", "pg_nextoid", // properties of the relation
        "pg_indexes_size", "pg_relation_size", "pg_table_size", "pg_total_relation_size", "pg_relation_filenode", "pg_relation_filepath", // sizes and files
        "pg_partition_ancestors", "pg_partition_root", "pg_partition_tree", // the partition hierarchy
        "regclassout", "regclasssend", // the type's own output
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Every function of the list, by unqualified name.</summary>
    public static IEnumerable<string> Names => Functions.Keys;

    /// <summary>What the named function does with its arguments, or null when it runs no hidden SQL.</summary>
    public static EmbeddedArgument? Find(string name) => Functions.GetValueOrDefault(name);

    public static bool Contains(string name) => Functions.ContainsKey(name);

    private static FrozenDictionary<string, EmbeddedArgument> Build()
    {
        var map = new Dictionary<string, EmbeddedArgument>(StringComparer.Ordinal);
        void Add(EmbeddedArgument argument, params string[] names)
        {
            foreach (var name in names)
            {
                map[name] = argument;
            }
        }

        // Text search (§12.4.4, §12.4.2.1): ts_stat(query text [, weights text]); ts_rewrite(query tsquery, select text).
        // ts_rewrite(tsquery, tsquery, tsquery) runs nothing: only the two-argument form has an SQL argument.
        Add(new EmbeddedArgument(EmbeddedArgumentKind.Query, 0, "query"), "ts_stat");
        Add(new EmbeddedArgument(EmbeddedArgumentKind.Query, 1, null, ArgumentCount: 2), "ts_rewrite");

        // XML (§9.15.4, "Mapping Tables to XML"): the query text runs through SPI, whole, with its rows in the result.
        Add(new EmbeddedArgument(EmbeddedArgumentKind.Query, 0, "query"), "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema");

        // table_to_xml*(tbl regclass, …) runs SELECT * FROM the table.
        Add(new EmbeddedArgument(EmbeddedArgumentKind.Relation, 0, "tbl"), "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema");

        // Whole schemas and databases, and a cursor found by name: what they read is not in the statement at all.
        Add(EmbeddedArgument.Opaque, "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema", "database_to_xml",
            "database_to_xmlschema", "database_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema");

        // Contrib libraries that import SPI. tablefunc (F.41): crosstab's queries, connectby's table, key and
        // parent columns spliced into SQL. xml2 (F.48): xpath_table splices relation and criteria into a SELECT.
        // dblink (F.12) runs SQL text on any server, this one included (it is also admin, SideEffectFunctions).
        Add(EmbeddedArgument.Opaque, "crosstab", "crosstab2", "crosstab3", "crosstab4", "connectby", "xpath_table",
            "dblink", "dblink_exec", "dblink_open", "dblink_send_query");

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>How a function of <see cref="SqlRunningFunctions"/> takes what it reads.</summary>
internal enum EmbeddedArgumentKind
{
    /// <summary>Nothing in the call says what it reads: refused.</summary>
    Opaque,

    /// <summary>An argument is SQL text that the function runs.</summary>
    Query,

    /// <summary>An argument names a relation (regclass) whose every row the function returns.</summary>
    Relation,
}

/// <summary>The argument of a <see cref="SqlRunningFunctions"/> function that says what it reads.</summary>
/// <param name="Kind">What the argument holds.</param>
/// <param name="Position">The argument's 0-based position.</param>
/// <param name="Name">The argument's name in pg_proc.proargnames, for named notation (<c>query =&gt; '…'</c>).</param>
/// <param name="ArgumentCount">When set, only calls with exactly this many arguments have it (ts_rewrite's overloads).</param>
internal sealed record EmbeddedArgument(EmbeddedArgumentKind Kind, int Position, string? Name, int? ArgumentCount = null)
{
    public static EmbeddedArgument Opaque { get; } = new(EmbeddedArgumentKind.Opaque, -1, null);
}
