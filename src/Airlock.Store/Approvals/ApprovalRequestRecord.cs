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

    /// <summary>
    /// What will run, with detected secrets masked: for lists, webhooks and the audit, which anyone with access
    /// to them may read. Masking can hide structure (a comment that looks like a credential swallows what
    /// follows it), so deciders read <see cref="ExactText"/> and <see cref="Structure"/> instead.
    /// </summary>
    public string? ActionSummary { get; init; }

    /// <summary>
    /// The exact statement text that will run, byte for byte as the client sent it (the digest binds to it):
    /// only the requester and the people who may decide the request are shown it, never the audit or webhooks.
    /// </summary>
    public string? ExactText { get; init; }

    /// <summary>The exact parameter values the digest binds to (null for SQL NULL); empty for a simple query.</summary>
    public IReadOnlyList<byte[]?>? ExactParameters { get; init; }

    /// <summary>The parser's view of <see cref="ExactText"/> (JSON: normalized text, statement kinds, tables read and written).</summary>
    public string? Structure { get; init; }

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
