using System.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Policy.Testing;

/// <summary>
/// Runs a bundle's test cases against its compiled snapshot. A rule counts as covered when it decided
/// at least one case: a rule that only ever matched beside a stronger one has not had its effect tested.
/// </summary>
public sealed class PolicyTestRunner(PolicySnapshot snapshot, SqlClassifier? classifier, TimeProvider time)
{
    public PolicyTestReport Run()
    {
        var stopwatch = Stopwatch.StartNew();
        var buffer = new DecisionBuffer();
        var decided = new HashSet<string>(StringComparer.Ordinal);
        var results = new List<PolicyTestResult>(snapshot.Bundle.Tests.Count);
        foreach (var test in snapshot.Bundle.Tests)
        {
            var result = RunCase(test, buffer);
            decided.Add(result.ActualRule);
            results.Add(result);
        }

        var uncovered = snapshot.Bundle.Rules.Where(r => !decided.Contains(r.Id)).ToList();
        return new PolicyTestReport(results, uncovered, snapshot.Bundle.Rules.Count, stopwatch.Elapsed);
    }

    private PolicyTestResult RunCase(PolicyTestCase test, DecisionBuffer buffer)
    {
        var failures = new List<string>();
        var action = BuildAction(test.Action, failures);
        var principal = snapshot.ResolvePrincipal(test.Principal);
        var request = new AccessRequest(principal, test.Resource, action, test.At ?? time.GetUtcNow(), test.Reason);
        var decision = snapshot.Decide(request, buffer);
        var matched = decision.Matched.Select(r => r.Id).ToList();

        if (decision.Effect != test.ExpectedDecision)
        {
            failures.Add($"decision: expected {Name(test.ExpectedDecision)}, got {Name(decision.Effect)}");
        }

        if (test.ExpectedRule is { } rule && !string.Equals(rule, decision.DecidingRuleId, StringComparison.Ordinal))
        {
            failures.Add($"rule: expected {rule}, got {decision.DecidingRuleId}");
        }

        var masked = test.Columns
            .Where(c => snapshot.ResolveColumnMasking(principal, test.Resource, c).Masked)
            .ToList();
        if (test.ExpectedMasked is { } expectedMasked)
        {
            var missing = expectedMasked.Except(masked, StringComparer.Ordinal).ToList();
            var extra = masked.Except(expectedMasked, StringComparer.Ordinal).ToList();
            if (missing.Count > 0 || extra.Count > 0)
            {
                failures.Add($"masked: expected [{string.Join(", ", expectedMasked)}], got [{string.Join(", ", masked)}]");
            }
        }

        return new PolicyTestResult
        {
            Case = test,
            ActualDecision = decision.Effect,
            ActualRule = decision.DecidingRuleId,
            MatchedRules = matched,
            ActualMasked = masked,
            Failures = failures,
        };
    }

    private PolicyAction BuildAction(TestAction action, List<string> failures)
    {
        switch (action.Target)
        {
            case TargetType.Sql when action.SqlText is { } sql:
                if (classifier is null)
                {
                    failures.Add("sql: this build has no SQL classifier; give the case as { kind, tables }");
                    return PolicyAction.Sql(StatementKind.Unknown, []);
                }

                var classified = classifier(sql);
                return PolicyAction.Sql(classified.Kind, classified.Tables);
            case TargetType.Sql:
                return PolicyAction.Sql(action.Kind, [.. action.Tables]);
            case TargetType.Command:
                return PolicyAction.Command([.. action.Argv]);
            default:
                return PolicyAction.Http(action.Method!, action.Path!);
        }
    }

    internal static string Name(RuleEffect effect) => effect.ToString().ToLowerInvariant();
}
