namespace Airlock.Sql;

/// <summary>
/// What a SQL statement does. Every statement gets exactly one kind; anything the parser cannot be sure
/// of is <see cref="Unknown"/>, which is never treated as a read.
/// </summary>
public enum StatementKind
{
    Read,
    Write,
    Ddl,
    Privilege,
    Admin,
    Transaction,
    Session,
    Procedural,
    Unknown,
}

/// <summary>Spelling and danger order of statement kinds.</summary>
public static class StatementKinds
{
    public static IReadOnlyList<StatementKind> All { get; } = Enum.GetValues<StatementKind>();

    /// <summary>Kinds by their spelling in policy files and output.</summary>
    public static IReadOnlyDictionary<string, StatementKind> ByName { get; } = All.ToDictionary(k => k.Name(), k => k, StringComparer.Ordinal);

    public static string Name(this StatementKind kind) => kind switch
    {
        StatementKind.Read => "read",
        StatementKind.Write => "write",
        StatementKind.Ddl => "ddl",
        StatementKind.Privilege => "privilege",
        StatementKind.Admin => "admin",
        StatementKind.Transaction => "transaction",
        StatementKind.Session => "session",
        StatementKind.Procedural => "procedural",
        _ => "unknown",
    };

    public static bool TryParse(string text, out StatementKind kind) => ByName.TryGetValue(text, out kind);

    /// <summary>
    /// How dangerous a kind is, for "the most dangerous kind wins" (a string of statements, a SELECT
    /// that calls an admin function). Unknown ranks highest: what cannot be understood is never let
    /// through as something milder.
    /// </summary>
    public static int Danger(this StatementKind kind) => kind switch
    {
        StatementKind.Read => 0,
        StatementKind.Transaction => 1,
        StatementKind.Session => 2,
        StatementKind.Write => 3,
        StatementKind.Ddl => 4,
        StatementKind.Privilege => 5,
        StatementKind.Procedural => 6,
        StatementKind.Admin => 7,
        _ => 8,
    };

    /// <summary>The more dangerous of two kinds.</summary>
    public static StatementKind Max(StatementKind a, StatementKind b) => a.Danger() >= b.Danger() ? a : b;
}
