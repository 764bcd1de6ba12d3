using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Sql;

namespace Airlock.Policy.Model;

/// <summary>A case from the bundle's <c>tests/*.yaml</c>: a request and the decision it must get.</summary>
public sealed record PolicyTestCase
{
    public required string Name { get; init; }
    public required PrincipalInfo Principal { get; init; }
    public required string Resource { get; init; }
    public required TestAction Action { get; init; }
    public string? Reason { get; init; }
    public DateTimeOffset? At { get; init; }
    public IReadOnlyList<string> Columns { get; init; } = [];
    public required RuleEffect ExpectedDecision { get; init; }

    /// <summary>The rule id that must decide; <c>default-deny</c> expects that no rule matched.</summary>
    public string? ExpectedRule { get; init; }

    /// <summary>When set, exactly these of <see cref="Columns"/> must come out masked.</summary>
    public IReadOnlyList<string>? ExpectedMasked { get; init; }

    public SourceLocation Location { get; init; }
}

/// <summary>The action of a test case, as written; SQL text is classified by the caller's classifier.</summary>
public sealed record TestAction(TargetType Target, StatementKind Kind, IReadOnlyList<string> Tables, string? SqlText, IReadOnlyList<string> Argv, string? Method, string? Path);
