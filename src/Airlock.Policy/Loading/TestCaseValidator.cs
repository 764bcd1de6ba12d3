using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;

namespace Airlock.Policy.Loading;

/// <summary>Test cases must name things that exist, or they would pass or fail for the wrong reason.</summary>
internal static class TestCaseValidator
{
    public static void Validate(PolicyBundle bundle, NodeBinder binder, HashSet<string> groups, HashSet<string> grants, HashSet<string> ruleIds)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var test in bundle.Tests)
        {
            var where = test.Location;
            if (!names.Add(test.Name))
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test case name '{test.Name}' is used twice; names identify cases in reports");
            }

            var resource = bundle.Resources.FirstOrDefault(r => r.Name == test.Resource);
            if (resource is null)
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test '{test.Name}': resource '{test.Resource}' is not defined{BundleValidator.Hint(test.Resource, bundle.Resources.Select(r => r.Name))}");
            }
            else if (TargetTypes.For(resource.Type) != test.Action.Target)
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test '{test.Name}': resource '{test.Resource}' is of type {resource.Type.ToString().ToLowerInvariant()} and cannot take a {test.Action.Target.ToString().ToLowerInvariant()} action");
            }

            foreach (var group in test.Principal.Groups.Where(g => !groups.Contains(g)))
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test '{test.Name}': group '{group}' is not defined{BundleValidator.Hint(group, groups)}");
            }

            foreach (var grant in test.Principal.Grants.Where(g => !grants.Contains(g)))
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test '{test.Name}': grant '{grant}' is not defined{BundleValidator.Hint(grant, grants)}");
            }

            if (test.ExpectedRule is { } rule && rule != PolicyDecision.DefaultDenyId && !ruleIds.Contains(rule))
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test '{test.Name}': expected rule '{rule}' is not a rule id (or {PolicyDecision.DefaultDenyId}){BundleValidator.Hint(rule, bundle.Rules.Select(r => r.Id))}");
            }

            if (test.ExpectedMasked is { } masked && masked.FirstOrDefault(m => !test.Columns.Contains(m, StringComparer.Ordinal)) is { } stray)
            {
                binder.Report(PolicyErrors.InvalidTestCase, where, $"test '{test.Name}': masked column '{stray}' is not among the case's 'columns'");
            }
        }
    }
}
