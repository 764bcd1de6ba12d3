using System.Globalization;
using Airlock.Audit;
using Airlock.Gateway.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Gateway.Identity;

/// <summary>
/// Validates OIDC access and ID tokens (JWS compact JWTs) against one issuer (<c>oidc:</c>). Every refusal is a
/// result with a stable id and a reason, never an exception, so the caller can refuse and audit it
/// (<see cref="AuthFailedEvent"/>). No reason ever holds the token.
/// </summary>
/// <remarks>
/// <code>
///  token ─read header (untrusted)──► alg in allowlist? ──► discovery + JWKS ──► kid known? ──no──► refresh keys once
///          AL0840 not a JWT          AL0846 none, HS*       AL0848 IdP down       (throttled)      still unknown: AL0847
///                                                                                    │yes
///        ◄── identity ◄── user name, groups, mfa ◄── JsonWebTokenHandler: signature, iss, aud, exp, nbf
///                          AL0849 no user name          AL0841 AL0844 AL0845 AL0842 AL0843
/// </code>
/// The algorithm is checked from the header before any key is touched, so an unsigned token or one "signed"
/// with HS256 using the IdP's public key as the secret never reaches signature checking.
/// </remarks>
public sealed class OidcTokenValidator : IDisposable
{
    /// <summary>Longer than any real access or ID token; longer input is refused unread.</summary>
    public const int MaxTokenLength = 64 * 1024;

    private readonly OidcConfig _config;
    private readonly HttpClient _http;
    private readonly OidcMetadataSource _metadata;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>A validator for <paramref name="config"/>'s issuer. Nothing is fetched until the first token.</summary>
    /// <param name="config">The issuer, audiences, claims and allowlist.</param>
    /// <param name="time">The clock of the key-refresh throttle; the system clock by default.</param>
    /// <param name="handler">The HTTP handler discovery and keys are fetched with; a new one by default.</param>
    /// <exception cref="ArgumentException">The configuration allows an algorithm that may never be allowed (none, HS*).</exception>
    public OidcTokenValidator(OidcConfig config, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        foreach (var algorithm in config.Algorithms)
        {
            // The loader refuses these too; this guards configurations built in code.
            if (OidcConfig.WhyNotAllowed(algorithm) is { } why)
            {
                throw new ArgumentException($"the OIDC algorithm allowlist may not hold this algorithm: {why}", nameof(config));
            }
        }

        if (config.Audiences.Count == 0)
        {
            throw new ArgumentException("the OIDC configuration needs at least one audience", nameof(config));
        }

        _config = config;
        _time = time ?? TimeProvider.System;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.Timeout = TimeSpan.FromSeconds(10);
        _metadata = new OidcMetadataSource(config, new HttpDocumentRetriever(_http) { RequireHttps = config.RequireHttpsMetadata }, time ?? TimeProvider.System);
    }

    /// <summary>How many times discovery and keys were fetched (or tried).</summary>
    public int MetadataFetchCount => _metadata.FetchCount;

    /// <summary>Validates <paramref name="token"/>: an identity, or a rejection with its id and reason.</summary>
    public async Task<OidcValidationResult> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (Read(token) is not { } jwt)
        {
            return Reject(GatewayErrors.TokenMalformed, token.Length > MaxTokenLength
                ? $"the token is {token.Length:N0} characters long; at most {MaxTokenLength:N0} are read"
                : "the token is not a JWT (header.payload.signature, base64url-encoded JSON)", null);
        }

        var claimedUser = ClaimedUser(jwt);
        if (jwt.IsEncrypted)
        {
            return Reject(GatewayErrors.TokenMalformed, "the token is encrypted (JWE); only signed tokens (JWS) are accepted", claimedUser);
        }

        if (!_config.Algorithms.Contains(jwt.Alg, StringComparer.Ordinal))
        {
            var why = OidcConfig.WhyNotAllowed(jwt.Alg ?? string.Empty) is { } never ? $" ({never})" : string.Empty;
            return Reject(GatewayErrors.TokenAlgorithmNotAllowed, $"algorithm {OidcText.Shown(jwt.Alg)} is not allowed{why}; allowed: {string.Join(", ", _config.Algorithms)}", claimedUser);
        }

        try
        {
            var configuration = await _metadata.GetAsync(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(jwt.Kid) && !HasKey(configuration, jwt.Kid))
            {
                // A new kid usually means the IdP rotated its keys: fetch them again (throttled) before refusing.
                configuration = await _metadata.RefreshAsync(cancellationToken).ConfigureAwait(false);
                if (!HasKey(configuration, jwt.Kid))
                {
                    return Reject(GatewayErrors.TokenKeyUnknown, $"signing key id '{OidcText.Shown(jwt.Kid)}' is unknown to the issuer (even after refreshing its keys)", claimedUser);
                }
            }

            var result = await _handler.ValidateTokenAsync(token, Parameters(configuration)).ConfigureAwait(false);
            return result.IsValid && result.SecurityToken is JsonWebToken validated
                ? Identity(validated, claimedUser)
                : Rejection(result.Exception, jwt, claimedUser);
        }
        catch (OidcMetadataException ex)
        {
            return Reject(GatewayErrors.IdpUnavailable, $"the IdP's discovery or keys could not be fetched: {ex.Message}", claimedUser);
        }
    }

    /// <summary>
    /// The <c>auth.failed</c> audit event for a refusal: <c>error_code</c> its id, <c>error</c> its reason,
    /// <c>user</c> the user the token claims (unverified; never the token), detail <c>method: oidc</c> and
    /// <c>user_verified: false</c>.
    /// </summary>
    public static AuditEvent AuthFailedEvent(OidcRejection rejection, string? client = null, string? resource = null)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return new AuditEvent
        {
            Kind = AuditEventKinds.AuthFailed,
            User = rejection.UnverifiedUser,
            Client = client,
            Resource = resource,
            Outcome = "refused",
            ErrorCode = rejection.ErrorId,
            Error = rejection.Reason,
            Detail = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["method"] = "oidc",
                ["user_verified"] = "false",
            },
        };
    }

    public void Dispose() => _http.Dispose();

    private JsonWebToken? Read(string token)
    {
        if (token.Length > MaxTokenLength || !_handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            return new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return null;
        }
    }

    private static bool HasKey(OpenIdConnectConfiguration configuration, string kid) =>
        configuration.SigningKeys.Any(k => string.Equals(k.KeyId, kid, StringComparison.Ordinal));

    private TokenValidationParameters Parameters(OpenIdConnectConfiguration configuration) => new()
    {
        // The metadata source has checked that the discovery document's issuer is the configured one.
        ValidIssuer = configuration.Issuer,
        ValidAudiences = _config.Audiences,
        ValidAlgorithms = _config.Algorithms,
        IssuerSigningKeys = configuration.SigningKeys,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ClockSkew = _config.ClockSkew,
    };

    private OidcValidationResult Identity(JsonWebToken token, string? claimedUser)
    {
        var claims = token.Claims.ToList();
        string? Value(string type) => claims.FirstOrDefault(c => string.Equals(c.Type, type, StringComparison.Ordinal) && c.Value.Length > 0)?.Value;
        IEnumerable<string> Values(string type) => claims.Where(c => string.Equals(c.Type, type, StringComparison.Ordinal)).Select(c => c.Value);

        var userName = _config.UsernameClaims.Select(Value).FirstOrDefault(v => v is not null);
        if (userName is null)
        {
            return Reject(GatewayErrors.TokenClaimMissing, $"the token has no user name: none of the claims {string.Join(", ", _config.UsernameClaims)} is set", claimedUser);
        }

        // A groups claim is a JSON array (one Claim per element) or a single string (one Claim).
        var groups = Values(_config.GroupsClaim).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();

        // RFC 8176 amr values, or an acr the operator trusts as multi-factor.
        var mfa = Values("amr").Any(a => _config.MfaAmr.Contains(a, StringComparer.Ordinal))
            || (Value("acr") is { } acr && _config.MfaAcr.Contains(acr, StringComparer.Ordinal));
        var expires = new DateTimeOffset(DateTime.SpecifyKind(token.ValidTo, DateTimeKind.Utc));
        DateTimeOffset? mfaAt = null;
        if (mfa)
        {
            // auth_time (OIDC Core §2) is when the user authenticated; a token without it was at least issued then.
            mfaAt = long.TryParse(Value("auth_time"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var authTime)
                ? DateTimeOffset.FromUnixTimeSeconds(authTime)
                : token.IssuedAt > DateTime.UnixEpoch ? new DateTimeOffset(DateTime.SpecifyKind(token.IssuedAt, DateTimeKind.Utc)) : _time.GetUtcNow();
        }

        return OidcValidationResult.Valid(new OidcIdentity(userName, Value("sub"), groups, mfa, expires) { MfaAt = mfaAt });
    }

    private OidcValidationResult Rejection(Exception? exception, JsonWebToken jwt, string? claimedUser) => exception switch
    {
        SecurityTokenExpiredException expired => Reject(GatewayErrors.TokenExpired,
            $"the token expired at {Utc(expired.Expires)} (allowed clock skew {Seconds(_config.ClockSkew)})", claimedUser),
        SecurityTokenNotYetValidException early => Reject(GatewayErrors.TokenNotYetValid,
            $"the token is not valid before {Utc(early.NotBefore)} (allowed clock skew {Seconds(_config.ClockSkew)})", claimedUser),
        SecurityTokenNoExpirationException => Reject(GatewayErrors.TokenClaimMissing, "the token has no expiry (exp)", claimedUser),
        SecurityTokenInvalidLifetimeException => Reject(GatewayErrors.TokenExpired,
            $"the token's lifetime is invalid: nbf {Utc(jwt.ValidFrom)} is not before exp {Utc(jwt.ValidTo)}", claimedUser),
        SecurityTokenInvalidIssuerException issuer => Reject(GatewayErrors.TokenIssuerInvalid,
            $"issuer '{OidcText.Shown(issuer.InvalidIssuer ?? jwt.Issuer)}' is not '{_config.Issuer}'", claimedUser),
        SecurityTokenInvalidAudienceException => Reject(GatewayErrors.TokenAudienceInvalid,
            $"audience '{OidcText.Shown(string.Join(", ", jwt.Audiences))}' is not {string.Join(" or ", _config.Audiences.Select(a => $"'{a}'"))}", claimedUser),
        SecurityTokenInvalidAlgorithmException => Reject(GatewayErrors.TokenAlgorithmNotAllowed,
            $"algorithm {OidcText.Shown(jwt.Alg)} is not allowed; allowed: {string.Join(", ", _config.Algorithms)}", claimedUser),
        SecurityTokenMalformedException => Reject(GatewayErrors.TokenMalformed, "the token is not a well-formed JWT", claimedUser),
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => Reject(GatewayErrors.TokenSignatureInvalid,
            "the token's signature does not verify with the issuer's key" + (string.IsNullOrEmpty(jwt.Kid) ? "s" : $" '{OidcText.Shown(jwt.Kid)}'")
            + " (tampered, or signed with another key)", claimedUser),

        // IdentityModel's messages hide personal data by default; the first line names the check (IDXnnnnn).
        _ => Reject(GatewayErrors.TokenMalformed,
            $"the token was refused: {OidcText.Shown(exception is null ? "no reason given" : OidcText.FirstLine(exception.Message))}", claimedUser),
    };

    private string? ClaimedUser(JsonWebToken jwt)
    {
        foreach (var claim in _config.UsernameClaims.Append("sub"))
        {
            if (jwt.TryGetPayloadValue<string>(claim, out var value) && !string.IsNullOrEmpty(value))
            {
                return OidcText.Shown(value);
            }
        }

        return null;
    }

    private static OidcValidationResult Reject(string id, string reason, string? claimedUser) =>
        OidcValidationResult.Rejected(new OidcRejection(id, $"{id}: {reason}", claimedUser));

    private static string Utc(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
