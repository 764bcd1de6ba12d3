namespace Airlock.Store;

/// <summary>
/// An Airlock session token that <c>airlock login</c> got for a user by showing a token of the identity
/// provider. It carries what the IdP said at login (groups, MFA) so that psql and the CLI can log in with it
/// until it expires, without the IdP's token. Stored only as a hash, like API tokens.
/// </summary>
public sealed record LoginTokenRecord
{
    public required string Id { get; init; }

    public required string User { get; init; }

    /// <summary>SHA-256 of the token secret (256 random bits, so a fast hash is enough).</summary>
    public required byte[] Hash { get; init; }

    /// <summary>The IdP's groups at login, before the policy maps them.</summary>
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>When the IdP says the user proved MFA (its <c>auth_time</c>, or the login when it gives none); null when the IdP token showed no MFA.</summary>
    public DateTimeOffset? MfaAt { get; init; }

    /// <summary>The IdP's issuer and the user's subject there, for the audit trail and for revoking by IdP identity.</summary>
    public required string Issuer { get; init; }

    public string? Subject { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>A TOTP step-up: who, when, and the code's time step (a code is used once, on every gateway sharing the store).</summary>
public sealed record MfaStepUpRecord(string User, DateTimeOffset VerifiedAt, long Step);

/// <summary>
/// A user's TOTP failures since their last successful step-up: how many in the window that began at
/// <see cref="WindowStart"/>, the earliest time the next attempt is heard (back-off), and the end of a lockout.
/// <see cref="Version"/> changes at every write, so concurrent writers notice each other.
/// </summary>
public sealed record MfaFailureRecord(string User, long Failures, DateTimeOffset WindowStart, DateTimeOffset? NotBefore, DateTimeOffset? LockedUntil, long Version);
