using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Policy.Loading;

/// <summary>
/// Finds rules that can never decide anything because an unconditional deny matches every request they
/// match. Deny beats everything, so an allow or review is dead behind a covering deny wherever it stands;
/// a deny is dead behind an earlier covering deny, which always decides first. The analysis is
/// conservative: it reports only what it can prove, so a clean result is not a proof of liveness.
/// </summary>
internal static class ShadowAnalysis
{
    public static void Report(PolicyBundle bundle, NodeBinder binder)
    {
        var denies = bundle.Rules
            .Select((rule, index) => (rule, index))
            .Where(x => x.rule.Effect == RuleEffect.Deny && x.rule.Conditions.IsUnconditional)
            .ToList();
        if (denies.Count == 0)
        {
            return;
        }

        var resourceSets = bundle.Rules.ToDictionary(
            r => r,
            r => bundle.Resources.Where(res => ResourceSelectors.Matches(r.Resources, res)).Select(res => res.Name).ToHashSet(StringComparer.Ordinal));

        for (var index = 0; index < bundle.Rules.Count; index++)
        {
            var rule = bundle.Rules[index];
            var resources = resourceSets[rule];
            if (resources.Count == 0)
            {
                continue; // reported as selecting no resource
            }

            HashSet<TargetType>? types = null;
            foreach (var (deny, denyIndex) in denies)
            {
                if (denyIndex == index || (rule.Effect == RuleEffect.Deny && denyIndex > index) || !resourceSets[deny].IsSupersetOf(resources))
                {
                    continue;
                }

                // The cheap set test above rules out most pairs; the rest need the rule's target types, once.
                types ??= [.. bundle.Resources.Where(r => resources.Contains(r.Name)).Select(r => TargetTypes.For(r.Type))];
                if (CoversPrincipals(deny.Principals, rule.Principals, bundle)
                    && types.All(t => CoversActions(deny, rule, t)))
                {
                    binder.Report(PolicyErrors.ShadowedRule, rule.EffectLocation,
                        $"rule '{rule.Id}' can never fire: deny rule '{deny.Id}' ({deny.Location}) matches every request it matches");
                    break;
                }
            }
        }
    }

    private static bool CoversPrincipals(PrincipalSelector deny, PrincipalSelector rule, PolicyBundle bundle)
    {
        if (deny.IsAnyone)
        {
            return true;
        }

        if (rule.IsAnyone)
        {
            return false;
        }

        var denyGroups = deny.Groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var denyUsers = deny.Users.Select(u => u.Name).ToHashSet(StringComparer.Ordinal);

        // A user is covered when named by the deny or a static member of one of its groups.
        bool UserCovered(string user) => denyUsers.Contains(user)
            || bundle.Groups.Any(g => denyGroups.Contains(g.Name) && g.Members.Any(m => m.Name == user));

        return rule.Users.All(u => UserCovered(u.Name)) && rule.Groups.All(g => denyGroups.Contains(g.Name));
    }

    private static bool CoversActions(RuleDefinition deny, RuleDefinition rule, TargetType target)
    {
        var d = deny.Actions;
        var r = rule.Actions;
        if (d.IsAny)
        {
            return true;
        }

        if (!r.IsAny && !HasMatcher(r, target))
        {
            return true; // the rule takes no action of this target type, so there is nothing to cover
        }

        return target switch
        {
            TargetType.Sql => CoversSql(d.Sql, r.IsAny ? null : r.Sql, rule.Effect),
            TargetType.Command => d.Command is { } dc && (dc.Argv.Contains("**", StringComparer.Ordinal) || (!r.IsAny && r.Command!.Argv.All(a => dc.Argv.Contains(a, StringComparer.Ordinal)))),
            _ => d.Http is { } dh && CoversHttp(dh, r.IsAny ? null : r.Http),
        };
    }

    private static bool HasMatcher(ActionSelector actions, TargetType target) => target switch
    {
        TargetType.Sql => actions.Sql is not null,
        TargetType.Command => actions.Command is not null,
        _ => actions.Http is not null,
    };

    /// <summary><paramref name="rule"/> null means the rule takes every SQL statement.</summary>
    private static bool CoversSql(SqlMatcher? deny, SqlMatcher? rule, RuleEffect effect)
    {
        if (deny is null)
        {
            return false;
        }

        var ruleKinds = rule?.Kinds ?? StatementKinds.All;
        if (!ruleKinds.All(deny.Kinds.Contains))
        {
            return false;
        }

        if (deny.Tables.Count == 0)
        {
            return true;
        }

        // A deny with tables fires only when a statement touches a matching table. An allow with tables
        // also takes statements that touch no table at all, which such a deny never sees.
        var ruleTables = rule?.Tables ?? [];
        return effect != RuleEffect.Allow && ruleTables.Count > 0 && ruleTables.All(t => deny.Tables.Contains(t, StringComparer.Ordinal) || deny.Tables.Contains("*", StringComparer.Ordinal));
    }

    private static bool CoversHttp(HttpMatcher deny, HttpMatcher? rule)
    {
        var methodsCovered = deny.Methods.Count == 0 || (rule is { Methods.Count: > 0 } && rule.Methods.All(m => deny.Methods.Contains(m, StringComparer.Ordinal)));
        var pathsCovered = deny.Paths.Count == 0 || deny.Paths.Contains("/**", StringComparer.Ordinal) || (rule is { Paths.Count: > 0 } && rule.Paths.All(x => deny.Paths.Contains(x, StringComparer.Ordinal)));
        return methodsCovered && pathsCovered;
    }
}
