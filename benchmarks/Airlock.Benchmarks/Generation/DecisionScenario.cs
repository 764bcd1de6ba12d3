using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Benchmarks.Generation;

/// <summary>One timed decision: a statement of one kind on one table, and the outcome it must get.</summary>
internal sealed record ScenarioDecision(string Name, StatementKind Kind, string Table, RuleEffect ExpectedEffect, string ExpectedRule, int ExpectedMatches);

/// <summary>
/// The decisions every engine is timed on, against the database in the middle of a generated bundle,
/// by that database's on-call engineer (groups <c>eng</c> and <c>oncall</c>, signed in with MFA), at
/// <see cref="BundleGenerator.DecisionTime"/>.
/// </summary>
internal static class DecisionScenario
{
    public static PrincipalInfo Principal(BundleShape shape)
    {
        var team = BundleShape.TeamName(shape.TeamOf(shape.BenchmarkResource));
        return new PrincipalInfo { User = $"{team}-dev1", IdpGroups = [$"{team}-engineering"], Mfa = true };
    }

    public static string Resource(BundleShape shape) => shape.ResourceName(shape.BenchmarkResource);

    public static IReadOnlyList<ScenarioDecision> Decisions(BundleShape shape)
    {
        var resource = Resource(shape);
        var team = BundleShape.TeamName(shape.TeamOf(shape.BenchmarkResource));
        return
        [
            // The database's read rule allows it; four other read rules of the slot are looked at and miss.
            new("AllowedRead", StatementKind.Read, "public.orders", RuleEffect.Allow, $"{resource}-read", 1),

            // The team's deny on production DDL decides; the weekend freeze does not hold on a Wednesday.
            new("DeniedDdl", StatementKind.Ddl, "public.orders", RuleEffect.Deny, $"{team}-no-ddl-on-prod", 1),

            // The review rule outranks the on-call allow, which matches too (mfa and Berlin office hours hold).
            new("ReviewedWrite", StatementKind.Write, "public.orders", RuleEffect.Review, $"{resource}-write-review", 2),

            // Every read rule is looked at and none matches the table: the default deny.
            new("DefaultDeny", StatementKind.Read, "internal.audit_log", RuleEffect.Deny, PolicyDecision.DefaultDenyId, 0),
        ];
    }

    public static AccessRequest Request(ResolvedPrincipal principal, string resource, ScenarioDecision decision, DateTimeOffset at) =>
        new(principal, resource, PolicyAction.Sql(decision.Kind, [decision.Table]), at);

    /// <summary>Decides once and checks the outcome, so that a change in the generator or the engine cannot silently change what is timed.</summary>
    public static void Verify(PolicySnapshot snapshot, in AccessRequest request, ScenarioDecision expected)
    {
        var decision = snapshot.Decide(request, new DecisionBuffer());
        if (decision.Effect != expected.ExpectedEffect || decision.DecidingRuleId != expected.ExpectedRule || decision.Matched.Count != expected.ExpectedMatches)
        {
            var matched = string.Join(", ", decision.Matched.Select(r => r.Id));
            throw new InvalidOperationException(
                $"{expected.Name}: expected {expected.ExpectedEffect} by {expected.ExpectedRule} with {expected.ExpectedMatches} matches, "
                + $"got {decision.Effect} by {decision.DecidingRuleId} with [{matched}]");
        }
    }
}
