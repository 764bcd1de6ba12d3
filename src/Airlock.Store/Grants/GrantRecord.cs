namespace Airlock.Store;

public sealed record GrantRecord
{
    public required string Id { get; init; }

    public required string User { get; init; }

    /// <summary>The policy grant name (e.g. <c>prod-write</c>).</summary>
    public required string Grant { get; init; }

    public string? Resource { get; init; }

    public string? ApprovalId { get; init; }

    public required DateTimeOffset From { get; init; }

    public required DateTimeOffset Until { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public string? RevokedBy { get; init; }

    /// <summary>Why it was asked for (an incident ticket): policy's <c>ticket</c> conditions read it while the grant is active.</summary>
    public string? Reason { get; init; }
}
