namespace Airlock.Policy.Model;

/// <summary>
/// What a SQL statement does. The SQL engine sorts each statement into exactly one kind; anything it
/// cannot be sure of is <see cref="Unknown"/>, which is never treated as a read.
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

/// <summary>Spelling of statement kinds in policy files.</summary>
public static class StatementKinds
{
    public static IReadOnlyList<StatementKind> All { get; } = Enum.GetValues<StatementKind>();

    /// <summary>Kinds by their policy spelling.</summary>
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
}
