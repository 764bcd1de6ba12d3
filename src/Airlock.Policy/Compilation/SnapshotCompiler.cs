using System.Collections.Frozen;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;

namespace Airlock.Policy.Compilation;

/// <summary>Turns a validated bundle into a <see cref="PolicySnapshot"/>: rules indexed by resource and action slot.</summary>
public static class SnapshotCompiler
{
    public static PolicySnapshot Compile(PolicyBundle bundle)
    {
        var groups = bundle.Groups.ToArray();
        var groupIndex = groups.Select((g, i) => (g.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var grantIndex = bundle.Grants.Select((g, i) => (g.Name, i)).ToFrozenDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var words = Math.Max(1, (groups.Length + 63) / 64);

        var rules = new List<CompiledRule>(bundle.Rules.Count);
        foreach (var definition in bundle.Rules)
        {
            var mask = new ulong[words];
            foreach (var group in definition.Principals.Groups)
            {
                if (groupIndex.TryGetValue(group.Name, out var index))
                {
                    ResolvedPrincipal.Set(mask, index);
                }
            }

            // An unknown grant (-1) can never be active, so such a rule never matches; validation reports it too.
            var grant = definition.Conditions.Grant is { } g && grantIndex.TryGetValue(g.Name, out var gi) ? gi : -1;
            var unless = definition.Conditions.UnlessGrant is { } u && grantIndex.TryGetValue(u.Name, out var ui) ? ui : -1;
            rules.Add(new CompiledRule(definition, rules.Count, mask, grant, unless));
        }

        var resources = new Dictionary<string, PolicySnapshot.ResourceEntry>(StringComparer.Ordinal);
        foreach (var resource in bundle.Resources)
        {
            var target = TargetTypes.For(resource.Type);
            var applicable = rules.Where(r => ResourceSelectors.Matches(r.Definition.Resources, resource)).ToList();
            var bySlot = new CompiledRule[PolicySnapshot.SlotCount][];
            for (var slot = 0; slot < bySlot.Length; slot++)
            {
                bySlot[slot] = PolicySnapshot.TargetOfSlot(slot) == target
                    ? [.. applicable.Where(r => ResourceSelectors.AppliesToSlot(r.Definition.Actions, slot))]
                    : [];
            }

            resources[resource.Name] = new PolicySnapshot.ResourceEntry(resource, bySlot);
        }

        return new PolicySnapshot(bundle, rules, resources.ToFrozenDictionary(StringComparer.Ordinal), groups, grantIndex);
    }
}
