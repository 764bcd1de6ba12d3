using Airlock.Policy.Model;

namespace Airlock.Policy.Testing;

/// <summary>How one test case came out: expected against actual, with every rule that matched.</summary>
public sealed record PolicyTestResult
{
    public required PolicyTestCase Case { get; init; }
    public required RuleEffect ActualDecision { get; init; }
    public required string ActualRule { get; init; }
    public required IReadOnlyList<string> MatchedRules { get; init; }
    public IReadOnlyList<string> ActualMasked { get; init; } = [];
    public IReadOnlyList<string> Failures { get; init; } = [];

    public bool Passed => Failures.Count == 0;
}

/// <summary>A whole run: each case, and which rules no case exercised.</summary>
public sealed record PolicyTestReport(IReadOnlyList<PolicyTestResult> Results, IReadOnlyList<RuleDefinition> UncoveredRules, int RuleCount, TimeSpan Elapsed)
{
    public int Passed => Results.Count(r => r.Passed);

    public int Failed => Results.Count - Passed;

    /// <summary>The share of rules that decided at least one case, in percent.</summary>
    public double CoveragePercent => RuleCount == 0 ? 100 : 100.0 * (RuleCount - UncoveredRules.Count) / RuleCount;
}
