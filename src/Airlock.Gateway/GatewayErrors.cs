namespace Airlock.Gateway;

/// <summary>
/// The stable error ids of the gateway host (AL08xx). An id never changes meaning once published;
/// docs/gateway.md lists each one, and a test makes each configuration id fire.
/// </summary>
public static class GatewayErrors
{
    // AL080x: the configuration file.
    public const string ConfigUnreadable = "AL0801";
    public const string ConfigYamlSyntax = "AL0802";
    public const string UnknownKey = "AL0803";
    public const string InvalidValue = "AL0804";
    public const string MissingKey = "AL0805";
    public const string LiteralSecret = "AL0806";
    public const string SecretUnresolved = "AL0807";

    // AL081x: the policy host.
    public const string NoUsablePolicy = "AL0810";
    public const string LastGoodUnusable = "AL0811";

    // AL0815-AL0817: the admin API (AL0815 no such session; AL0816 is the CLI's "cannot reach the admin API").
    /// <summary>A person asked the admin API for something, but is in none of <c>admin.people.groups</c>.</summary>
    public const string NotAnAdmin = "AL0817";

    // AL082x: the demo database.
    public const string DemoBinariesMissing = "AL0820";
    public const string DemoDirectoryInUse = "AL0821";
    public const string DemoServerFailed = "AL0822";

    // AL083x: webhook delivery (logged; a notification never fails the action it reports).
    public const string WebhookGaveUp = "AL0830";
    public const string WebhookRefused = "AL0831";
    public const string WebhookDropped = "AL0832";

    // AL084x: OIDC token validation (returned to the caller, which refuses the login and audits auth.failed).
    public const string TokenMalformed = "AL0840";
    public const string TokenSignatureInvalid = "AL0841";
    public const string TokenExpired = "AL0842";
    public const string TokenNotYetValid = "AL0843";
    public const string TokenIssuerInvalid = "AL0844";
    public const string TokenAudienceInvalid = "AL0845";
    public const string TokenAlgorithmNotAllowed = "AL0846";
    public const string TokenKeyUnknown = "AL0847";
    public const string IdpUnavailable = "AL0848";
    public const string TokenClaimMissing = "AL0849";

    /// <summary>Every id with a one-line title, for documentation and for the test that proves each config id fires.</summary>
    public static IReadOnlyDictionary<string, string> Titles { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ConfigUnreadable] = "the configuration file cannot be read",
        [ConfigYamlSyntax] = "YAML syntax error in the configuration file",
        [UnknownKey] = "unknown configuration key",
        [InvalidValue] = "a configuration value has the wrong type or is not allowed",
        [MissingKey] = "a required configuration key is missing",
        [LiteralSecret] = "a secret written literally where env:NAME or file:PATH is required",
        [SecretUnresolved] = "a secret reference names an unset environment variable or an unreadable file",
        [NotAnAdmin] = "a person asked the admin API for something but is in none of admin.people's groups",
        [NoUsablePolicy] = "the policy bundle does not load and the store holds no last good revision",
        [LastGoodUnusable] = "the last good policy revision from the store does not load either",
        [DemoBinariesMissing] = "the PostgreSQL 15 server binaries for the demo database are missing",
        [DemoDirectoryInUse] = "the demo directory already holds a database cluster",
        [DemoServerFailed] = "the demo database server could not be created, started or loaded",
        [WebhookGaveUp] = "a webhook delivery failed on its last attempt (network error, timeout, 408, 429 or 5xx)",
        [WebhookRefused] = "a webhook receiver refused a delivery with a 4xx answer; it is not retried",
        [WebhookDropped] = "a webhook notification was dropped: the queue was full or the gateway was stopping",
        [TokenMalformed] = "the presented OIDC token is not a JWT (three base64url parts with JSON header and payload)",
        [TokenSignatureInvalid] = "the OIDC token's signature does not verify (tampered, or signed with another key)",
        [TokenExpired] = "the OIDC token has expired (beyond the allowed clock skew)",
        [TokenNotYetValid] = "the OIDC token is not valid yet (nbf beyond the allowed clock skew)",
        [TokenIssuerInvalid] = "the OIDC token was issued by another issuer than the configured one",
        [TokenAudienceInvalid] = "the OIDC token is meant for another audience",
        [TokenAlgorithmNotAllowed] = "the OIDC token's algorithm is not in the allowlist (none and HS* never are)",
        [TokenKeyUnknown] = "the OIDC token's signing key id is unknown to the issuer, even after refreshing its keys",
        [IdpUnavailable] = "the identity provider's discovery document or keys could not be fetched or do not match the configuration",
        [TokenClaimMissing] = "the OIDC token lacks a claim the gateway needs (exp, or a user name)",
    };
}
