namespace Airlock.Store;

public sealed record ApprovalRequestRecord
{
    public required string Id { get; init; }

    /// <summary><c>action</c> (run this exact action once) or <c>access</c> (a time-boxed grant).</summary>
    public required string Kind { get; init; }

    public required string Requester { get; init; }

    public required string Resource { get; init; }

    /// <summary>SHA-256 of the exact action (user, resource, text, parameters): any change is a different action.</summary>
    public string? ActionDigest { get; init; }

    /// <summary>What will run, masked, for reviewers.</summary>
    public string? ActionSummary { get; init; }

    public string? Grant { get; init; }

    /// <summary>For an access request: how long the grant lasts once approved.</summary>
    public TimeSpan? Duration { get; init; }

    public string? Reason { get; init; }

    public required string Rule { get; init; }

    public required string PolicyRevision { get; init; }

    public required string State { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public string? DecidedBy { get; init; }

    public string? Comment { get; init; }
}
