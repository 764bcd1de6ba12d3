using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;

namespace Airlock.Policy.Explain;

/// <summary>Why a request got its decision: the deciding rule, every match, and the rules that nearly matched.</summary>
public sealed record PolicyExplanation
{
    public required RuleEffect Decision { get; init; }
    public required RuleExplanation? DecidingRule { get; init; }
    public required IReadOnlyList<RuleExplanation> Matched { get; init; }
    public required IReadOnlyList<RuleExplanation> NearMisses { get; init; }
    public required BundleRevision Revision { get; init; }
    public required IReadOnlyList<string> PrincipalGroups { get; init; }
    public required string Action { get; init; }
    public long? MaxRows { get; init; }

    /// <summary>Set when the request itself could not be evaluated as asked (unknown resource, unparseable SQL).</summary>
    public string? Problem { get; init; }
}

/// <summary>One rule's outcome for the request, with the check that failed when it did not match.</summary>
public sealed record RuleExplanation(CompiledRule Rule, IReadOnlyList<string> Failed);
