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

    /// <summary>libpg_query's fingerprint: equal for statements that differ only in literal values.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>The text with every literal replaced by $n and comments removed: safe to log and audit.</summary>
    public string? Normalized { get; init; }

    /// <summary>For statements that return rows, the table columns each output column derives from.</summary>
    public IReadOnlyList<OutputColumn> Columns { get; init; } = [];

    /// <summary>For SET, RESET and DISCARD ALL: the setting changed, how, and to what.</summary>
    public SettingChange? Setting { get; init; }
}

/// <summary>
/// An output column and the table columns it derives from, written <c>table.column</c>; <c>table.*</c>
/// means all columns of the table (star expansion, whole-row references). Masking follows this lineage.
/// </summary>
public sealed record OutputColumn(string Name, IReadOnlyList<string> From);

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
    ];

    public static IReadOnlyList<string> ToNames(this SqlFlags flags) => [.. Names.Where(n => flags.HasFlag(n.Flag)).Select(n => n.Name)];
}
