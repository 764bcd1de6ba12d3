namespace Airlock.Store;

public sealed record ApprovalVoteRecord
{
    public required string RequestId { get; init; }

    public required string Approver { get; init; }

    /// <summary><c>approve</c> or <c>deny</c>.</summary>
    public required string Verdict { get; init; }

    public string? Comment { get; init; }

    /// <summary>
    /// The approver's groups from the identity provider when they voted: policy maps them to approver groups,
    /// and a later vote's count must see the same membership the vote was accepted with.
    /// </summary>
    public IReadOnlyList<string> IdpGroups { get; init; } = [];

    public required DateTimeOffset At { get; init; }
}
