using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;

namespace Airlock.Policy.Loading;

/// <summary>
/// Checks what no single definition can check alone: that every name refers to something defined,
/// that matchers fit their resources, that no rule is dead behind a deny, and that test cases make sense.
/// </summary>
internal static class BundleValidator
{
    public static void Validate(PolicyBundle bundle, NodeBinder binder, HashSet<string> declaredRuleIds)
    {
        var groups = bundle.Groups.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);
        var principals = bundle.Users.Select(u => u.Name).Concat(bundle.ServiceAccounts.Select(s => s.Name)).ToHashSet(StringComparer.Ordinal);
        var grants = bundle.Grants.Select(g => g.Name).ToHashSet(StringComparer.Ordinal);

        void CheckGroups(IEnumerable<NameReference> names)
        {
            foreach (var name in names.Where(n => !groups.Contains(n.Name)))
            {
                binder.Report(PolicyErrors.UnknownGroup, name.Location, $"group '{name.Name}' is not defined{Hint(name.Name, groups)}");
            }
        }

        void CheckPrincipals(IEnumerable<NameReference> names)
        {
            foreach (var name in names.Where(n => !principals.Contains(n.Name)))
            {
                binder.Report(PolicyErrors.UnknownPrincipal, name.Location, $"'{name.Name}' is not a defined user or service account{Hint(name.Name, principals)}");
            }
        }

        foreach (var group in bundle.Groups)
        {
            CheckPrincipals(group.Members);
        }

        foreach (var grant in bundle.Grants)
        {
            CheckGroups(grant.Approvers.Groups);
            CheckGroups(grant.BreakGlassGroups);
        }

        foreach (var rule in bundle.Rules)
        {
            CheckPrincipals(rule.Principals.Users);
            CheckGroups(rule.Principals.Groups);
            CheckGroups(rule.Approval?.Groups ?? []);
            foreach (var auto in rule.Approval?.AutoApprove ?? [])
            {
                CheckPrincipals(auto.Principals.Users);
                CheckGroups(auto.Principals.Groups);
            }

            CheckResources(rule.Resources, bundle, binder, $"rule '{rule.Id}'", rule.EffectLocation);
            if (rule.Conditions.Grant is { } grant && !grants.Contains(grant.Name))
            {
                binder.Report(PolicyErrors.UnknownGrant, grant.Location, $"grant '{grant.Name}' is not defined under 'grants'{Hint(grant.Name, grants)}");
            }

            if (rule.Conditions.UnlessGrant is { } unless && !grants.Contains(unless.Name))
            {
                binder.Report(PolicyErrors.UnknownGrant, unless.Location, $"grant '{unless.Name}' is not defined under 'grants'{Hint(unless.Name, grants)}");
            }

            CheckActionTypes(rule, bundle, binder);
        }

        foreach (var unmask in bundle.Masking.Unmask)
        {
            CheckPrincipals(unmask.Principals.Users);
            CheckGroups(unmask.Principals.Groups);
            CheckResources(unmask.Resources, bundle, binder, $"unmask grant '{unmask.Id}'", unmask.Location);
        }

        foreach (var (group, limits) in bundle.Sessions.Groups)
        {
            CheckGroups([new NameReference(group, limits.Location)]);
        }

        ShadowAnalysis.Report(bundle, binder);
        TestCaseValidator.Validate(bundle, binder, groups, grants, declaredRuleIds);
    }

    private static void CheckResources(ResourceSelector selector, PolicyBundle bundle, NodeBinder binder, string owner, SourceLocation location)
    {
        var names = bundle.Resources.Select(r => r.Name).ToList();
        var unknownNames = false;
        foreach (var name in selector.Names.Where(n => !bundle.Resources.Any(r => Glob.IsMatch(n.Name, r.Name))))
        {
            unknownNames = true;
            binder.Report(PolicyErrors.UnknownResource, name.Location,
                Glob.HasWildcards(name.Name)
                    ? $"resource pattern '{name.Name}' matches no defined resource"
                    : $"resource '{name.Name}' is not defined{Hint(name.Name, names)}");
        }

        if (!unknownNames && !selector.IsAny && !bundle.Resources.Any(r => ResourceSelectors.Matches(selector, r)))
        {
            binder.Report(PolicyErrors.UnknownResource, location, $"the resources of {owner} select no defined resource; check its names, labels and types");
        }
    }

    /// <summary>A sql matcher on rules that select only HTTP resources (and the like) can never apply.</summary>
    private static void CheckActionTypes(RuleDefinition rule, PolicyBundle bundle, NodeBinder binder)
    {
        var types = bundle.Resources.Where(r => ResourceSelectors.Matches(rule.Resources, r)).Select(r => r.Type).ToHashSet();
        if (types.Count == 0)
        {
            return;
        }

        void Check(object? matcher, ResourceType type, string name, SourceLocation location)
        {
            if (matcher is not null && !types.Contains(type))
            {
                binder.Report(PolicyErrors.ActionNeverApplies, location,
                    $"rule '{rule.Id}' has a '{name}' matcher, but none of its resources is of type {name switch { "sql" => "postgres", _ => name }}");
            }
        }

        Check(rule.Actions.Sql, ResourceType.Postgres, "sql", rule.Actions.Sql?.Location ?? rule.Location);
        Check(rule.Actions.Command, ResourceType.Command, "command", rule.Actions.Command?.Location ?? rule.Location);
        Check(rule.Actions.Http, ResourceType.Http, "http", rule.Actions.Http?.Location ?? rule.Location);
    }

    internal static string Hint(string name, IEnumerable<string> known) =>
        Suggest.Closest(name, known) is { } suggestion ? $" (did you mean '{suggestion}'?)" : string.Empty;
}
