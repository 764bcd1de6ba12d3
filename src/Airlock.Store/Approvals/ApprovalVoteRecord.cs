namespace Airlock.Store;

public sealed record ApprovalVoteRecord
{
    public required string RequestId { get; init; }

    public required string Approver { get; init; }

    /// <summary><c>approve</c> or <c>deny</c>.</summary>
    public required string Verdict { get; init; }

    public string? Comment { get; init; }

    public required DateTimeOffset At { get; init; }
}
