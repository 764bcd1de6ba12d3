using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

/// <summary>
/// The outcome of one decision: the effect, the rule that decided it (null for the default deny), every
/// rule that matched (when a <see cref="DecisionBuffer"/> was given), obligations, and the revision.
/// A struct, so deciding allocates nothing.
/// </summary>
public readonly struct PolicyDecision(RuleEffect effect, CompiledRule? decidingRule, ArraySegment<CompiledRule> matched, long? maxRows, BundleRevision revision)
{
    /// <summary>The id shown when no rule matched and the decision fell through to deny.</summary>
    public const string DefaultDenyId = "default-deny";

    public RuleEffect Effect { get; } = effect;

    public CompiledRule? DecidingRule { get; } = decidingRule;

    /// <summary>All matching rules in bundle order, the deciding one included.</summary>
    public ArraySegment<CompiledRule> Matched { get; } = matched;

    /// <summary>The smallest max_rows among the matching rules of the deciding effect.</summary>
    public long? MaxRows { get; } = maxRows;

    public BundleRevision Revision { get; } = revision;

    public bool IsDefaultDeny => DecidingRule is null;

    public string DecidingRuleId => DecidingRule?.Id ?? DefaultDenyId;
}

/// <summary>
/// Reusable space for the list of matched rules. Keep one per session (it is not thread-safe), and
/// decisions stay allocation-free while still reporting every rule that matched.
/// </summary>
public sealed class DecisionBuffer
{
    internal CompiledRule[] Rules { get; private set; } = new CompiledRule[16];

    internal void EnsureCapacity(int count)
    {
        if (Rules.Length < count)
        {
            Rules = new CompiledRule[Math.Max(count, Rules.Length * 2)];
        }
    }
}
