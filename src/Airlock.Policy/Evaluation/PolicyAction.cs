using Airlock.Policy.Model;
using Airlock.Sql;

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

    /// <summary>An HTTP request; the path is canonicalized (<see cref="HttpPaths"/>) so encodings cannot dodge a rule.</summary>
    public static PolicyAction Http(string method, string path) => new(TargetType.Http, StatementKind.Unknown, [], [], method.ToUpperInvariant(), HttpPaths.Canonicalize(path));

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

/// <summary>
/// Puts an HTTP path in the one form rules are matched against, so that <c>//</c>, <c>/./</c>,
/// <c>/../</c>, backslashes or percent-encoding cannot step around a deny. Percent-escapes are decoded
/// once (an encoded slash counts as a slash), then dot segments are resolved as RFC 3986 §5.2.4 says.
/// Paths that are already canonical are returned as they are, without allocating.
/// </summary>
public static class HttpPaths
{
    public static string Canonicalize(string path)
    {
        var end = path.AsSpan().IndexOfAny('?', '#');
        var raw = end < 0 ? path : path[..end];
        if (IsCanonical(raw))
        {
            return raw;
        }

        var decoded = Uri.UnescapeDataString(raw).Replace('\\', '/');
        var segments = new List<string>();
        foreach (var segment in decoded.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    continue;
                case "..":
                    if (segments.Count > 0)
                    {
                        segments.RemoveAt(segments.Count - 1);
                    }

                    continue;
                default:
                    segments.Add(segment);
                    break;
            }
        }

        var trailing = decoded.EndsWith('/') && segments.Count > 0 ? "/" : string.Empty;
        return "/" + string.Join('/', segments) + trailing;
    }

    private static bool IsCanonical(string path)
    {
        if (path.Length == 0 || path[0] != '/' || path.AsSpan().IndexOfAny('%', '\\') >= 0 || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        // No "." or ".." segment anywhere.
        return !path.Contains("/./", StringComparison.Ordinal) && !path.Contains("/../", StringComparison.Ordinal)
            && !path.EndsWith("/.", StringComparison.Ordinal) && !path.EndsWith("/..", StringComparison.Ordinal);
    }
}
