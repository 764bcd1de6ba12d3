namespace Airlock.Store;

public sealed record ApiTokenRecord
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string User { get; init; }

    /// <summary>SHA-256 of the token secret. Tokens are 256-bit random, so a fast hash is enough (no dictionary to attack).</summary>
    public required byte[] Hash { get; init; }

    /// <summary>What the token may do, as the policy engine reads it (e.g. <c>resource:orders-prod sql:read</c>).</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}
