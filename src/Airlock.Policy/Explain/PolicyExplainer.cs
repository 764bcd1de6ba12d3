using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Policy.Explain;

/// <summary>
/// Explains a decision by checking every rule of the bundle one condition at a time. This is the slow,
/// talkative twin of <see cref="PolicySnapshot.Decide"/>; a test keeps the two in agreement.
/// A near miss is a rule that selects the resource and fails on something else.
/// </summary>
public static class PolicyExplainer
{
    public static PolicyExplanation Explain(PolicySnapshot snapshot, in AccessRequest request, string? problem = null)
    {
        var decision = snapshot.Decide(request, new DecisionBuffer());
        var matched = decision.Matched.Select(r => new RuleExplanation(r, [])).ToList();
        var nearMisses = new List<RuleExplanation>();
        if (snapshot.TryGetResource(request.Resource, out var resource))
        {
            foreach (var rule in snapshot.Rules)
            {
                if (decision.Matched.Contains(rule) || !ResourceSelectors.Matches(rule.Definition.Resources, resource))
                {
                    continue;
                }

                var failed = FailedChecks(rule, resource, request);
                if (failed.Count > 0)
                {
                    nearMisses.Add(new RuleExplanation(rule, failed));
                }
            }
        }
        else
        {
            problem ??= $"resource '{request.Resource}' is not defined in this bundle, so every action on it is denied";
        }

        return new PolicyExplanation
        {
            Decision = decision.Effect,
            DecidingRule = decision.DecidingRule is { } deciding ? new RuleExplanation(deciding, []) : null,
            Matched = matched,
            NearMisses = nearMisses,
            Revision = decision.Revision,
            PrincipalGroups = request.Principal.Groups,
            Action = request.Action.ToString(),
            MaxRows = decision.MaxRows,
            Problem = problem,
        };
    }

    private static List<string> FailedChecks(CompiledRule rule, ResourceDefinition resource, in AccessRequest request)
    {
        var failed = new List<string>();
        var definition = rule.Definition;
        var action = request.Action;
        if (TargetTypes.For(resource.Type) != action.Target)
        {
            failed.Add($"action: a {action.Target.ToString().ToLowerInvariant()} action cannot run on a {resource.Type.ToString().ToLowerInvariant()} resource");
        }
        else if (!ResourceSelectors.AppliesToSlot(definition.Actions, PolicySnapshot.SlotOf(action)))
        {
            failed.Add(action.Target == TargetType.Sql && definition.Actions.Sql is { } sql
                ? $"sql kind: {action.Kind.Name()} is not one of [{string.Join(", ", sql.Kinds.Select(k => k.Name()))}]"
                : $"action: the rule has no {action.Target.ToString().ToLowerInvariant()} matcher");
        }
        else if (!rule.MatchesAction(action))
        {
            failed.Add(action.Target switch
            {
                TargetType.Sql => $"tables: [{string.Join(", ", action.Tables)}] do not fit [{string.Join(", ", definition.Actions.Sql!.Tables)}]"
                    + (rule.Effect == RuleEffect.Allow ? " (an allow needs every table to fit)" : string.Empty),
                TargetType.Command => $"argv: '{string.Join(' ', action.Argv)}' fits none of [{string.Join("; ", definition.Actions.Command!.Argv)}]",
                _ => $"http: {action.Method} {action.Path} fits none of methods [{string.Join(", ", definition.Actions.Http!.Methods)}] paths [{string.Join(", ", definition.Actions.Http!.Paths)}]",
            });
        }

        if (!rule.MatchesPrincipal(request.Principal))
        {
            var who = definition.Principals;
            failed.Add($"principal: {request.Principal.User} (groups: {(request.Principal.Groups.Count == 0 ? "none" : string.Join(", ", request.Principal.Groups))}) is not among"
                + (who.Users.Count > 0 ? $" users [{string.Join(", ", who.Users.Select(u => u.Name))}]" : string.Empty)
                + (who.Groups.Count > 0 ? $" groups [{string.Join(", ", who.Groups.Select(g => g.Name))}]" : string.Empty));
        }

        var conditions = definition.Conditions;
        if (conditions.MfaRequired && !request.Principal.Mfa)
        {
            failed.Add("mfa: required, and the principal has not passed MFA");
        }

        if (conditions.ReasonRequired && string.IsNullOrWhiteSpace(request.Reason))
        {
            failed.Add("reason: required, and none was given");
        }

        if (conditions.Ticket is { } ticket && (request.Reason is null || !ticket.Regex.IsMatch(request.Reason)))
        {
            failed.Add($"ticket: the reason must match {ticket.Pattern}, and {(request.Reason is null ? "none was given" : $"'{request.Reason}' does not")}");
        }

        if (conditions.Grant is { } grant && !request.Principal.Info.Grants.Contains(grant.Name, StringComparer.Ordinal))
        {
            failed.Add($"grant: needs an active '{grant.Name}' grant (airlock request … --grant {grant.Name})");
        }

        if (conditions.UnlessGrant is { } unless && request.Principal.Info.Grants.Contains(unless.Name, StringComparer.Ordinal))
        {
            failed.Add($"unless_grant: does not apply while the '{unless.Name}' grant is active");
        }

        if (conditions.Schedule is { } schedule && !schedule.Contains(request.At))
        {
            var local = TimeZoneInfo.ConvertTime(request.At, schedule.TimeZone);
            failed.Add($"schedule: {local:ddd yyyy-MM-dd HH:mm} in {schedule.TimeZone.Id} is outside {schedule}");
        }

        return failed;
    }
}
