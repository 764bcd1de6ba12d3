using System.Security.Cryptography;
using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// Airlock session tokens: what <c>airlock login</c> gets in exchange for a token of the identity provider.
/// The gateway has already validated the IdP's token; this keeps what it said (the user, the IdP groups, MFA)
/// for a short life (8 h unless policy says less), so psql and the CLI log in with a token that only this
/// gateway honours and that the user can revoke (<c>airlock logout</c>). Stored only as a SHA-256, like
/// API tokens; the secret is shown once, to the CLI that asked.
/// </summary>
public sealed class LoginTokens(IAirlockStore store, AuditTrail audit, TimeProvider time)
{
    /// <summary>Secrets start with this, so a login tells them from other passwords without a store lookup.</summary>
    public const string Prefix = "als_";

    /// <summary>Called with a token id when it is revoked, so the sessions it opened end at once.</summary>
    public Func<string, CancellationToken, ValueTask>? Revoked { get; init; }

    /// <summary>Issues a session token for a user the IdP vouched for; returns its record and its secret, which is never shown again.</summary>
    public async ValueTask<(LoginTokenRecord Token, string Secret)> IssueAsync(LoginIdentity identity, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new RefusedException(IdentityErrors.LoginRefused, $"policy gives {identity.User} no login time (sessions.login is {lifetime})");
        }

        var now = time.GetUtcNow();
        var secret = ApiTokenHash.NewToken(Prefix);
        var record = new LoginTokenRecord
        {
            Id = "lgn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            User = identity.User,
            Hash = ApiTokenHash.Of(secret),
            Groups = identity.Groups,
            MfaAt = identity.MfaAt,
            Issuer = identity.Issuer,
            Subject = identity.Subject,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };

        // Write-ahead, as every action: no token exists that the trail does not show.
        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = AuditEventKinds.Login,
                User = identity.User,
                Groups = [.. identity.Groups],
                Mfa = identity.MfaAt is not null,
                ActionType = "login",
                Text = $"Airlock session token until {record.ExpiresAt:u}",
                Detail = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["login_token_id"] = record.Id,
                    ["issuer"] = identity.Issuer,
                    ["subject"] = identity.Subject ?? string.Empty,
                },
            },
            cancellationToken);
        await store.LoginTokens.CreateAsync(record, cancellationToken);
        return (record, secret);
    }

    /// <summary>
    /// The user a session token logs in as, with the IdP's groups and MFA from its login; null when the secret
    /// is no session token of this user's. A token that was theirs but is revoked or expired is refused with
    /// its reason (<see cref="IdentityErrors.TokenRevoked"/>, <see cref="IdentityErrors.TokenExpired"/>): only its holder can hear it.
    /// </summary>
    public async ValueTask<GatewayUser?> AuthenticateAsync(string user, string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var token = await store.LoginTokens.FindByHashAsync(ApiTokenHash.Of(secret), cancellationToken);
        if (token is null || token.User != user)
        {
            return null;
        }

        if (token.RevokedAt is { } revoked)
        {
            throw new RefusedException(IdentityErrors.TokenRevoked, $"your Airlock login {token.Id} was revoked at {revoked:u}; run airlock login again");
        }

        if (time.GetUtcNow() >= token.ExpiresAt)
        {
            throw new RefusedException(IdentityErrors.TokenExpired, $"your Airlock login {token.Id} expired at {token.ExpiresAt:u}; run airlock login again");
        }

        return new GatewayUser(token.User, token.Groups, Mfa: token.MfaAt is not null)
        {
            LoginTokenId = token.Id,
            ValidUntil = token.ExpiresAt,
            MfaAt = token.MfaAt,
        };
    }

    /// <summary>Revokes the user's own session token (<c>airlock logout</c>); its sessions end.</summary>
    public async ValueTask<LoginTokenRecord> RevokeAsync(GatewayUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = await store.LoginTokens.GetAsync(id, cancellationToken);
        if (token is null || token.User != user.Name)
        {
            throw new RefusedException(ApprovalErrors.NotFound, $"{user.Name} has no login {id}");
        }

        var now = time.GetUtcNow();
        if (!await store.LoginTokens.RevokeAsync(id, now, cancellationToken))
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"login {id} is already revoked");
        }

        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = AuditEventKinds.Logout,
                User = user.Name,
                ActionType = "login",
                Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["login_token_id"] = id },
            },
            cancellationToken);
        if (Revoked is { } ended)
        {
            await ended(id, cancellationToken);
        }

        return token with { RevokedAt = now };
    }
}

/// <summary>Who the identity provider said a user is, at <c>airlock login</c>.</summary>
/// <param name="User">The user name (from the configured username claim).</param>
/// <param name="Groups">The IdP's groups, before policy maps them.</param>
/// <param name="MfaAt">When the IdP saw MFA, or null when its token shows none.</param>
/// <param name="Issuer">The IdP's issuer.</param>
/// <param name="Subject">The user's <c>sub</c> at the IdP.</param>
public sealed record LoginIdentity(string User, IReadOnlyList<string> Groups, DateTimeOffset? MfaAt, string Issuer, string? Subject);
