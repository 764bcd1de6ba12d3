using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

/// <summary>
/// What is being attempted, already understood by an adapter: a classified SQL statement, an argv, or
/// an HTTP method and path. A struct over arrays the caller owns, so deciding allocates nothing.
/// </summary>
public readonly struct PolicyAction
{
    private PolicyAction(TargetType target, StatementKind kind, string[] tables, string[] argv, string? method, string? path)
    {
        Target = target;
        Kind = kind;
        Tables = tables;
        Argv = argv;
        Method = method;
        Path = path;
    }

    public TargetType Target { get; }

    /// <summary>The statement kind; meaningful for SQL only.</summary>
    public StatementKind Kind { get; }

    /// <summary>Every table the statement reads or writes, schema-qualified as written.</summary>
    public string[] Tables { get; }

    public string[] Argv { get; }

    /// <summary>Upper-case HTTP method.</summary>
    public string? Method { get; }

    /// <summary>HTTP path without the query string.</summary>
    public string? Path { get; }

    public static PolicyAction Sql(StatementKind kind, string[] tables) => new(TargetType.Sql, kind, tables, [], null, null);

    public static PolicyAction Command(string[] argv) => new(TargetType.Command, StatementKind.Unknown, [], argv, null, null);

    public static PolicyAction Http(string method, string path) => new(TargetType.Http, StatementKind.Unknown, [], [], method, path);

    public override string ToString() => Target switch
    {
        TargetType.Sql => Tables.Length == 0 ? $"sql {Kind.Name()}" : $"sql {Kind.Name()} on {string.Join(", ", Tables)}",
        TargetType.Command => $"command {string.Join(' ', Argv)}",
        _ => $"http {Method} {Path}",
    };
}

/// <summary>One decision's input: who, where, what, when, and why.</summary>
public readonly struct AccessRequest(ResolvedPrincipal principal, string resource, PolicyAction action, DateTimeOffset at, string? reason = null)
{
    public ResolvedPrincipal Principal { get; } = principal;
    public string Resource { get; } = resource;
    public PolicyAction Action { get; } = action;
    public DateTimeOffset At { get; } = at;
    public string? Reason { get; } = reason;
}
