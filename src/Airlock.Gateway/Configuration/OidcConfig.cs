using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// <c>oidc:</c>: the identity provider whose access and ID tokens the gateway accepts
/// (<see cref="Identity.OidcTokenValidator"/>). docs/gateway.md documents each key.
/// </summary>
public sealed record OidcConfig
{
    /// <summary>
    /// The issuer, exactly as the IdP writes it in <c>iss</c> and in its discovery document (no normalisation:
    /// OpenID Connect Discovery 1.0 §4.3 requires the two to be identical). Discovery is read from
    /// <c>{issuer}/.well-known/openid-configuration</c>.
    /// </summary>
    public required string Issuer { get; init; }

    /// <summary>The accepted <c>aud</c> values; a token must name at least one of them.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    /// <summary>The claim that carries the user's groups: a JSON array of strings, or one string.</summary>
    public string GroupsClaim { get; init; } = "groups";

    /// <summary>
    /// The claims tried, in order, for the user name. By default <c>preferred_username</c>, then <c>email</c>,
    /// then <c>sub</c>; a configured <c>username_claim</c> is the only one tried.
    /// </summary>
    public IReadOnlyList<string> UsernameClaims { get; init; } = DefaultUsernameClaims;

    /// <summary>The accepted signing algorithms (JWA names). Never <c>none</c> nor an HMAC (<c>HS*</c>) one.</summary>
    public IReadOnlyList<string> Algorithms { get; init; } = DefaultAlgorithms;

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off the gateway's clock.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>amr</c> values (RFC 8176) of which any one proves multi-factor authentication.</summary>
    public IReadOnlyList<string> MfaAmr { get; init; } = DefaultMfaAmr;

    /// <summary><c>acr</c> values of which any one proves multi-factor authentication; none by default.</summary>
    public IReadOnlyList<string> MfaAcr { get; init; } = [];

    /// <summary>True: discovery and keys are fetched over https only. Tests against a loopback IdP set false.</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    /// <summary>
    /// The least time between two fetches of the IdP's keys that a token with an unknown <c>kid</c> may cause,
    /// so that a stream of such tokens cannot make the gateway hammer the IdP. Not in the file (5 s is right in
    /// production); tests move a clock past it.
    /// </summary>
    public TimeSpan MinimumKeyRefreshInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Discovery and keys are fetched again after this long even when every kid is known.</summary>
    public TimeSpan AutomaticRefreshInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The public client <c>airlock login</c> uses for the device authorization grant (RFC 8628) at the IdP.
    /// Null: <c>airlock login</c> is not offered. The IdP's ID tokens carry it as <c>aud</c>, so it belongs in
    /// <see cref="Audiences"/> too (the loader does not insist: an IdP may put the API's audience in access tokens).
    /// </summary>
    public string? ClientId { get; init; }

    /// <summary>The scopes <c>airlock login</c> asks for.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = DefaultScopes;

    public static IReadOnlyList<string> DefaultScopes { get; } = ["openid", "profile", "email"];

    /// <summary>Where <c>oidc:</c> is in the configuration file; default when built in code.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>The discovery document's address: <c>{issuer}/.well-known/openid-configuration</c>.</summary>
    public string MetadataAddress => Issuer.TrimEnd('/') + "/.well-known/openid-configuration";

    public static IReadOnlyList<string> DefaultUsernameClaims { get; } = ["preferred_username", "email", "sub"];

    public static IReadOnlyList<string> DefaultAlgorithms { get; } = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"];

    /// <summary>Every algorithm that may be allowed: asymmetric signatures only (RFC 7518 §3.1).</summary>
    public static IReadOnlyList<string> SupportedAlgorithms { get; } = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    public static IReadOnlyList<string> DefaultMfaAmr { get; } = ["mfa", "otp", "hwk", "swk"];

    /// <summary>
    /// Why <paramref name="algorithm"/> may never be allowed, or null when it is one of <see cref="SupportedAlgorithms"/>.
    /// <c>none</c> is an unsigned token; an HMAC algorithm lets anyone who has the IdP's public key (everyone)
    /// sign tokens with it as the shared secret, the classic RS256→HS256 key-confusion attack.
    /// </summary>
    public static string? WhyNotAllowed(string algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        if (SupportedAlgorithms.Contains(algorithm, StringComparer.Ordinal))
        {
            return null;
        }

        if (string.Equals(algorithm, "none", StringComparison.OrdinalIgnoreCase))
        {
            return "'none' means an unsigned token, which anyone can write";
        }

        if (algorithm.StartsWith("HS", StringComparison.OrdinalIgnoreCase) && algorithm.Length <= 5)
        {
            return $"'{algorithm.ToUpperInvariant()}' is a shared-secret (HMAC) algorithm: anyone holding the IdP's public key could sign tokens with it";
        }

        return "it is not an asymmetric signature algorithm the gateway supports";
    }
}
