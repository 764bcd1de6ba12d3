namespace Airlock.Sql.Analysis;

/// <summary>
/// What a SQL string does: each statement's analysis, and the most dangerous kind among them. A string
/// that does not parse still gets an answer: kind <see cref="StatementKind.Unknown"/> and the error.
/// </summary>
public sealed record SqlAnalysis(StatementKind Kind, IReadOnlyList<StatementAnalysis> Statements, SqlParseError? Error)
{
    /// <summary>Every table read or written by any statement, for policy matching.</summary>
    public string[] AllTables { get; } = [.. Statements.SelectMany(s => s.TablesRead.Concat(s.TablesWritten)).Distinct(StringComparer.Ordinal)];
}

/// <summary>The parser's error, with its message stripped of quoted input, and the 1-based cursor position.</summary>
public sealed record SqlParseError(string Message, int CursorPosition);

/// <summary>One statement, understood.</summary>
public sealed record StatementAnalysis
{
    public required StatementKind Kind { get; init; }

    /// <summary>The parse node of the statement, e.g. SelectStmt, DeleteStmt, VariableSetStmt.</summary>
    public required string Command { get; init; }

    /// <summary>Tables read, schema-qualified as written.</summary>
    public IReadOnlyList<string> TablesRead { get; init; } = [];

    /// <summary>Tables written, created, altered, dropped or locked, schema-qualified as written.</summary>
    public IReadOnlyList<string> TablesWritten { get; init; } = [];

    /// <summary>Functions called, schema-qualified as written, lower case unless quoted.</summary>
    public IReadOnlyList<string> Functions { get; init; } = [];

    public SqlFlags Flags { get; init; }

    /// <summary>
    /// Why SQL that this statement runs from a string could not be analysed (flag <see cref="SqlFlags.HiddenSql"/>):
    /// <c>ts_stat(…) its argument is not a constant string</c>. Empty when there is none.
    /// </summary>
    public IReadOnlyList<string> HiddenSql { get; init; } = [];

    /// <summary>
    /// System relations and functions read that hold column values, other sessions' SQL or secrets (flag
    /// <see cref="SqlFlags.CatalogValues"/>): <c>pg_stats</c>, <c>pg_stat_activity.query</c>. Empty when there is none.
    /// </summary>
    public IReadOnlyList<string> ValueCatalogs { get; init; } = [];

    /// <summary>libpg_query's fingerprint: equal for statements that differ only in literal values.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The text with every literal replaced by $n and comments removed: safe to log and audit.</summary>
    public string? Normalized { get; init; }

    /// <summary>For statements that return rows, the table columns each output column derives from.</summary>
    public IReadOnlyList<OutputColumn> Columns { get; init; } = [];

    /// <summary>What the statement does to a cursor (DECLARE, FETCH, MOVE, CLOSE, DISCARD ALL), or null.</summary>
    public CursorStatement? Cursor { get; init; }

    /// <summary>
    /// Table columns the statement takes apart outside its output: functions, operators, patterns, ranges,
    /// ordering, or a comparison with a computed value, in any clause and at any depth (docs/security.md,
    /// class E). The gateway refuses a statement that takes apart a column masked for its principal.
    /// </summary>
    public IReadOnlyList<ColumnUse> TakenApart { get; init; } = [];

    /// <summary>
    /// The analysis reads a literal's value (an ordinal in ORDER BY or GROUP BY names an output column), so
    /// it must not be shared with texts that differ only in their literals.
    /// </summary>
    internal bool DependsOnLiterals { get; init; }

    /// <summary>For SET, RESET and DISCARD ALL: the setting changed, how, and to what.</summary>
    public SettingChange? Setting { get; init; }
}

/// <summary>
/// An output column and the table columns it derives from, written <c>table.column</c>; <c>table.*</c>
/// means all columns of the table (star expansion, whole-row references). Masking follows this lineage.
/// </summary>
public sealed record OutputColumn(string Name, IReadOnlyList<string> From)
{
    /// <summary>
    /// The value is, unchanged, a value of a source column (a plain column reference through aliases,
    /// CTEs, subqueries and casts to text) or a constant. Anything computed is derived (false, the
    /// default): a derived value of a masked column is masked whole, never partially (docs/security.md, class G).
    /// </summary>
    public bool Direct { get; init; }
}

/// <summary>Facts about a statement that policy and audit care about.</summary>
[Flags]
public enum SqlFlags
{
    None = 0,
    NoWhere = 1 << 0,
    ExplainAnalyze = 1 << 1,
    CopyFile = 1 << 2,
    CopyProgram = 1 << 3,
    RoleChange = 1 << 4,
    ReadWriteEscalation = 1 << 5,
    LockingClause = 1 << 6,
    SelectInto = 1 << 7,
    DataModifyingCte = 1 << 8,
    SideEffectFunction = 1 << 9,

    /// <summary>The statement runs SQL from a string the gateway cannot analyse (issue 14, class A): refused before policy.</summary>
    HiddenSql = 1 << 10,

    /// <summary>The statement reads a catalog or calls a function that hands out values masking cannot follow (class F): refused before policy.</summary>
    CatalogValues = 1 << 11,
}

/// <summary>Spelling of flags in output.</summary>
public static class SqlFlagNames
{
    private static readonly (SqlFlags Flag, string Name)[] Names =
    [
        (SqlFlags.NoWhere, "no_where"),
        (SqlFlags.ExplainAnalyze, "explain_analyze"),
        (SqlFlags.CopyFile, "copy_file"),
        (SqlFlags.CopyProgram, "copy_program"),
        (SqlFlags.RoleChange, "role_change"),
        (SqlFlags.ReadWriteEscalation, "read_write_escalation"),
        (SqlFlags.LockingClause, "locking_clause"),
        (SqlFlags.SelectInto, "select_into"),
        (SqlFlags.DataModifyingCte, "data_modifying_cte"),
        (SqlFlags.SideEffectFunction, "side_effect_function"),
        (SqlFlags.HiddenSql, "hidden_sql"),
        (SqlFlags.CatalogValues, "catalog_values"),
    ];

    public static IReadOnlyList<string> ToNames(this SqlFlags flags) => [.. Names.Where(n => flags.HasFlag(n.Flag)).Select(n => n.Name)];
}
