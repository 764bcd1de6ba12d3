using System.Security.Cryptography;
using Airlock.Audit;
using Airlock.Sql;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// API tokens for automation: a user makes one for themselves, limited to some resources and statement
/// kinds, with an expiry. The secret is shown once, at creation; the store keeps only its SHA-256. A token
/// logs in as its user (psql: user name and token as password), never with more than policy gives that
/// user, and revocation takes effect at once: its open sessions end.
/// </summary>
public sealed class ApiTokens(IAirlockStore store, AuditTrail audit, TimeProvider time)
{
    /// <summary>The longest a token may live.</summary>
    public static TimeSpan MaxLifetime { get; } = TimeSpan.FromDays(90);

    private static readonly string[] Kinds = [.. Enum.GetValues<StatementKind>().Select(k => k.ToString().ToLowerInvariant())];

    /// <summary>Called with a token id when it is revoked, so open sessions using it end at once.</summary>
    public Func<string, CancellationToken, ValueTask>? Revoked { get; init; }

    /// <summary>Whether policy defines a resource (the gateway wires its current policy); unset, any name is taken.</summary>
    public Func<string, bool>? ResourceExists { get; init; }

    /// <summary>
    /// Scopes are kept one per line (the store joins them with '\n'), so a resource holding a line break would
    /// show as one scope and grant two; names are printed in lists and in refusals. Control characters
    /// (Unicode Cc) and line or paragraph separators are refused in both (AL1043).
    /// </summary>
    private static void CheckScopeText(string name, IReadOnlyList<string> resources)
    {
        static bool Bad(string text) => text.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085');
        if (Bad(name))
        {
            throw new RefusedException(IdentityErrors.TokenControlCharacters, "a token name may not hold control characters or line breaks");
        }

        if (resources.Any(r => string.IsNullOrWhiteSpace(r) || Bad(r)))
        {
            throw new RefusedException(IdentityErrors.TokenControlCharacters, "a token's resources may not be blank or hold control characters or line breaks: give each with its own --resource");
        }
    }

    /// <summary>Makes a token for <paramref name="owner"/>; returns its record and its secret, which is never shown again.</summary>
    public async ValueTask<(ApiTokenRecord Token, string Secret)> CreateAsync(GatewayUser owner, string name, IReadOnlyList<string> resources, IReadOnlyList<string> sqlKinds, TimeSpan lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(sqlKinds);
        if (owner.Token is not null)
        {
            throw new RefusedException(IdentityErrors.InvalidToken, "an API token cannot make tokens: log in as yourself");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > 100)
        {
            throw new RefusedException(IdentityErrors.InvalidToken, "a token needs a name (at most 100 characters) that says what it is for");
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new RefusedException(IdentityErrors.InvalidToken, $"a token lives at most {MaxLifetime.TotalDays} days (asked for {lifetime})");
        }

        if (resources.Count == 0)
        {
            throw new RefusedException(IdentityErrors.InvalidToken, "a token needs at least one resource it is for");
        }

        CheckScopeText(name, resources);
        if (ResourceExists is { } exists && resources.FirstOrDefault(r => !exists(r)) is { } unknownResource)
        {
            throw new RefusedException(IdentityErrors.TokenUnknownResource, $"policy defines no resource '{unknownResource}': a token is made only for resources that exist");
        }

        if (sqlKinds.FirstOrDefault(k => !Kinds.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            throw new RefusedException(IdentityErrors.InvalidToken, $"'{unknown}' is not a statement kind ({string.Join(", ", Kinds)})");
        }

        var now = time.GetUtcNow();
        var secret = ApiTokenHash.NewToken();
        var record = new ApiTokenRecord
        {
            Id = "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            Name = name,
            User = owner.Name,
            Hash = ApiTokenHash.Of(secret),
            Scopes = [.. resources.Select(r => "resource:" + r), .. sqlKinds.Select(k => "sql:" + k)],
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        await RecordAsync(AuditEventKinds.TokenCreated, record, owner.Name, cancellationToken);
        await store.ApiTokens.CreateAsync(record, cancellationToken);
        return (record, secret);
    }

    /// <summary>
    /// The user a token logs in as, with its scope; null when the secret is no token of this user's (the caller
    /// audits that as any wrong password). A token of theirs that is revoked or expired is refused with its
    /// reason (<see cref="IdentityErrors.TokenRevoked"/>, <see cref="IdentityErrors.TokenExpired"/>).
    /// </summary>
    public async ValueTask<GatewayUser?> AuthenticateAsync(string user, string secret, CancellationToken cancellationToken)
    {
        if (!secret.StartsWith("alk_", StringComparison.Ordinal))
        {
            return null;
        }

        var token = await store.ApiTokens.FindByHashAsync(ApiTokenHash.Of(secret), cancellationToken);
        if (token is null || token.User != user)
        {
            return null;
        }

        // Whoever sends the secret holds the token, so they may hear why it no longer works.
        if (token.RevokedAt is { } revoked)
        {
            throw new RefusedException(IdentityErrors.TokenRevoked, $"API token {token.Id} ({token.Name}) was revoked at {revoked:u}; make a new one: airlock tokens create");
        }

        if (token.ExpiresAt is { } expires && time.GetUtcNow() >= expires)
        {
            throw new RefusedException(IdentityErrors.TokenExpired, $"API token {token.Id} ({token.Name}) expired at {expires:u}; make a new one: airlock tokens create");
        }

        return new GatewayUser(token.User, [], Mfa: false) { Token = ScopeOf(token), ValidUntil = token.ExpiresAt };
    }

    public ValueTask<IReadOnlyList<ApiTokenRecord>> ListAsync(string user, CancellationToken cancellationToken) => store.ApiTokens.ListAsync(user, cancellationToken);

    /// <summary>Revokes one of the user's own tokens; its open sessions end.</summary>
    public async ValueTask<ApiTokenRecord> RevokeAsync(GatewayUser user, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = (await store.ApiTokens.ListAsync(user.Name, cancellationToken)).FirstOrDefault(t => t.Id == id)
            ?? throw new RefusedException(ApprovalErrors.NotFound, $"{user.Name} has no token {id}");
        var now = time.GetUtcNow();
        if (!await store.ApiTokens.RevokeAsync(id, now, cancellationToken))
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"token {id} is already revoked");
        }

        var revoked = token with { RevokedAt = now };
        await RecordAsync(AuditEventKinds.TokenRevoked, revoked, user.Name, cancellationToken);
        if (Revoked is { } ended)
        {
            await ended(id, cancellationToken);
        }

        return revoked;
    }

    public static TokenScope ScopeOf(ApiTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new TokenScope(
            token.Id,
            [.. token.Scopes.Where(s => s.StartsWith("resource:", StringComparison.Ordinal)).Select(s => s["resource:".Length..])],
            [.. token.Scopes.Where(s => s.StartsWith("sql:", StringComparison.Ordinal)).Select(s => s["sql:".Length..])]);
    }


    private async ValueTask RecordAsync(string kind, ApiTokenRecord token, string by, CancellationToken cancellationToken) =>
        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = kind,
                User = by,
                ActionType = "token",
                Text = $"API token {token.Name} ({string.Join(' ', token.Scopes)}) until {token.ExpiresAt:u}",
                Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["token_id"] = token.Id },
            },
            cancellationToken);
}
