using System.Diagnostics.CodeAnalysis;
using Airlock.Pipeline;

namespace Airlock.Gateway.Identity;

/// <summary>Who a validated OIDC token says the caller is.</summary>
/// <param name="UserName">From the configured user-name claim (by default preferred_username, else email, else sub).</param>
/// <param name="Subject">The token's <c>sub</c>, when it has one.</param>
/// <param name="Groups">From the configured groups claim, in token order, without duplicates; empty when absent.</param>
/// <param name="Mfa">True when <c>amr</c> holds a configured value or <c>acr</c> equals one.</param>
/// <param name="ExpiresAt">The token's <c>exp</c>: a session built on it should not outlive it.</param>
public sealed record OidcIdentity(string UserName, string? Subject, IReadOnlyList<string> Groups, bool Mfa, DateTimeOffset ExpiresAt)
{
    /// <summary>When the IdP saw the MFA (<c>auth_time</c>, else <c>iat</c>); null without MFA. Policy may want it recent (reviews).</summary>
    public DateTimeOffset? MfaAt { get; init; }

    /// <summary>
    /// The pipeline's user: the IdP's groups become policy groups (<see cref="GatewayUser.IdpGroups"/>), and a
    /// session logged in with the token itself ends when the token expires.
    /// </summary>
    public GatewayUser ToGatewayUser() => new(UserName, Groups, Mfa) { ValidUntil = ExpiresAt, MfaAt = MfaAt };
}

/// <summary>
/// Why a token was refused: a stable id (AL084x, <see cref="GatewayErrors"/>) and a reason that names what was
/// wrong. Neither ever holds the token.
/// </summary>
/// <param name="ErrorId">One of <see cref="GatewayErrors"/>' AL084x ids.</param>
/// <param name="Reason">Starts with the id, e.g. "AL0842: the token expired at 2026-01-01 10:00:00Z …".</param>
/// <param name="UnverifiedUser">
/// The user name (or <c>sub</c>) the token claims, read without checking anything: for the audit trail only,
/// never to decide anything. Null when the token cannot be read.
/// </param>
public sealed record OidcRejection(string ErrorId, string Reason, string? UnverifiedUser);

/// <summary>The outcome of <see cref="OidcTokenValidator.ValidateAsync"/>: an identity or a rejection, never both.</summary>
public sealed record OidcValidationResult
{
    private OidcValidationResult(OidcIdentity? identity, OidcRejection? rejection)
    {
        Identity = identity;
        Rejection = rejection;
    }

    public OidcIdentity? Identity { get; }

    public OidcRejection? Rejection { get; }

    [MemberNotNullWhen(true, nameof(Identity))]
    [MemberNotNullWhen(false, nameof(Rejection))]
    public bool Succeeded => Identity is not null;

    public static OidcValidationResult Valid(OidcIdentity identity) => new(identity ?? throw new ArgumentNullException(nameof(identity)), null);

    public static OidcValidationResult Rejected(OidcRejection rejection) => new(null, rejection ?? throw new ArgumentNullException(nameof(rejection)));
}
