using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;

/// <summary>
/// A named, time-boxed elevation that users request just in time. Rules require it with
/// <c>grant: NAME</c>; approvers approve it; it expires after at most <see cref="MaxDuration"/>.
/// </summary>
public sealed record GrantDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required TimeSpan MaxDuration { get; init; }
    public required ApprovalRequirement Approvers { get; init; }
    public bool ReasonRequired { get; init; }
    public RegexPattern? Ticket { get; init; }

    /// <summary>
    /// Groups whose members may take this grant at once, without waiting for an approver (break-glass):
    /// it always raises an alert and opens a review after the fact. Empty: nobody may.
    /// </summary>
    public IReadOnlyList<NameReference> BreakGlassGroups { get; init; } = [];
    public SourceLocation Location { get; init; }
}
