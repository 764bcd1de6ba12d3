using System.Collections.Frozen;
using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

/// <summary>
/// A compiled, immutable policy bundle. Decisions read only immutable arrays and frozen dictionaries,
/// so any number of threads decide at once without locks; a new revision is a new snapshot, swapped in
/// whole by the host.
/// </summary>
/// <remarks>
/// <code>
///  Decide(request)
///    resource name ──FrozenDictionary──► ResourceEntry
///    action kind   ──slot index────────► candidate rules (only those whose resource selector and
///                                        action kinds fit; built once at compile time)
///    for each candidate, in bundle order:
///       principal (user set, group bit mask) → action (tables/argv/path) → conditions
///       deny &gt; review &gt; allow; the earliest rule of the strongest effect decides
///    nothing matched ──► default deny
/// </code>
/// </remarks>
public sealed partial class PolicySnapshot
{
    internal const int SlotCount = 11;
    private const int CommandSlot = 9;
    private const int HttpSlot = 10;

    private readonly FrozenDictionary<string, ResourceEntry> _resources;
    private readonly FrozenDictionary<string, int> _groupIndex;
    private readonly FrozenDictionary<string, int> _grantIndex;
    private readonly string[] _groupNames;
    private readonly GroupDefinition[] _groups;
    private readonly int _maxCandidates;

    internal PolicySnapshot(PolicyBundle bundle, IReadOnlyList<CompiledRule> rules, FrozenDictionary<string, ResourceEntry> resources, GroupDefinition[] groups, FrozenDictionary<string, int> grantIndex)
    {
        Bundle = bundle;
        Rules = rules;
        _resources = resources;
        _groups = groups;
        _groupNames = [.. groups.Select(g => g.Name)];
        _groupIndex = _groupNames.Select((name, i) => (name, i)).ToFrozenDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        _grantIndex = grantIndex;
        _maxCandidates = resources.Values.SelectMany(r => r.BySlot).Select(s => s.Length).DefaultIfEmpty(0).Max();
        RulesById = rules.ToFrozenDictionary(r => r.Id, StringComparer.Ordinal);
    }

    public PolicyBundle Bundle { get; }

    public BundleRevision Revision => Bundle.Revision;

    /// <summary>Every rule, in bundle order.</summary>
    public IReadOnlyList<CompiledRule> Rules { get; }

    public FrozenDictionary<string, CompiledRule> RulesById { get; }

    internal int GroupWords => (_groupNames.Length + 63) / 64;

    public bool TryGetResource(string name, out ResourceDefinition resource)
    {
        if (_resources.TryGetValue(name, out var entry))
        {
            resource = entry.Definition;
            return true;
        }

        resource = null!;
        return false;
    }

    /// <summary>
    /// Decides one action. Allocation-free; give a <paramref name="buffer"/> to get the list of every
    /// matching rule, or null when only the outcome matters.
    /// </summary>
    public PolicyDecision Decide(in AccessRequest request, DecisionBuffer? buffer = null)
    {
        if (!ReferenceEquals(request.Principal.Snapshot, this))
        {
            throw new ArgumentException("the principal was resolved against another policy snapshot; resolve it again", nameof(request));
        }

        if (!_resources.TryGetValue(request.Resource, out var entry))
        {
            return new PolicyDecision(RuleEffect.Deny, null, ArraySegment<CompiledRule>.Empty, null, Revision);
        }

        var action = request.Action;
        var candidates = entry.BySlot[SlotOf(action)];
        buffer?.EnsureCapacity(_maxCandidates);
        var matched = buffer?.Rules;
        var count = 0;
        CompiledRule? best = null;
        long? allowRows = null, reviewRows = null;
        foreach (var rule in candidates)
        {
            if (!rule.MatchesPrincipal(request.Principal) || !rule.MatchesAction(action) || !rule.ConditionsHold(request))
            {
                continue;
            }

            if (matched is not null)
            {
                matched[count++] = rule;
            }

            if (best is null || rule.Effect > best.Effect)
            {
                best = rule;
            }

            if (rule.Definition.Conditions.MaxRows is { } rows)
            {
                if (rule.Effect == RuleEffect.Allow)
                {
                    allowRows = allowRows is null ? rows : Math.Min(allowRows.Value, rows);
                }
                else if (rule.Effect == RuleEffect.Review)
                {
                    reviewRows = reviewRows is null ? rows : Math.Min(reviewRows.Value, rows);
                }
            }

            // Without a buffer nobody asks for the other matches, and nothing outranks a deny.
            if (matched is null && best.Effect == RuleEffect.Deny)
            {
                break;
            }
        }

        var segment = matched is null ? ArraySegment<CompiledRule>.Empty : new ArraySegment<CompiledRule>(matched, 0, count);
        var effect = best?.Effect ?? RuleEffect.Deny;
        var maxRows = effect switch { RuleEffect.Allow => allowRows, RuleEffect.Review => reviewRows, _ => null };
        return new PolicyDecision(effect, best, segment, maxRows, Revision);
    }

    /// <summary>Resolves who a principal is in this snapshot: groups from every source, and active grants.</summary>
    public ResolvedPrincipal ResolvePrincipal(PrincipalInfo info)
    {
        var groupBits = new ulong[Math.Max(1, GroupWords)];
        for (var i = 0; i < _groups.Length; i++)
        {
            var group = _groups[i];
            if (info.Groups.Contains(group.Name, StringComparer.Ordinal)
                || group.Members.Any(m => string.Equals(m.Name, info.User, StringComparison.Ordinal))
                // IdP group claims ignore case (issue 15, class U): IdPs and directories (AD, Entra, Okta) treat
                // "SRE-Leads" and "sre-leads" as one group, and an exact match silently skipped deny rules
                // keyed on a group whose claim arrived spelled differently.
                || group.IdpGroups.Any(g => info.IdpGroups.Contains(g, StringComparer.OrdinalIgnoreCase)))
            {
                ResolvedPrincipal.Set(groupBits, i);
            }
        }

        var grantBits = new ulong[Math.Max(1, (_grantIndex.Count + 63) / 64)];
        foreach (var grant in info.Grants)
        {
            if (_grantIndex.TryGetValue(grant, out var index))
            {
                ResolvedPrincipal.Set(grantBits, index);
            }
        }

        var groups = _groupNames.Where((_, i) => ResolvedPrincipal.Has(groupBits, i)).ToArray();
        return new ResolvedPrincipal(this, info, groupBits, grantBits, groups);
    }

    public bool IsGroupDefined(string name) => _groupIndex.ContainsKey(name);

    public bool IsGrantDefined(string name) => _grantIndex.ContainsKey(name);

    internal static int SlotOf(in PolicyAction action) => action.Target switch
    {
        TargetType.Sql => (int)action.Kind,
        TargetType.Command => CommandSlot,
        _ => HttpSlot,
    };

    internal static TargetType TargetOfSlot(int slot) => slot switch
    {
        CommandSlot => TargetType.Command,
        HttpSlot => TargetType.Http,
        _ => TargetType.Sql,
    };

    /// <summary>A resource with, per action slot, the rules that can apply to it, in bundle order.</summary>
    internal sealed record ResourceEntry(ResourceDefinition Definition, CompiledRule[][] BySlot);
}
