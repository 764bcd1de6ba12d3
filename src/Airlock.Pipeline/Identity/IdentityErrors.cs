namespace Airlock.Pipeline;

/// <summary>Stable ids of refused identity steps (API tokens, MFA step-up).</summary>
public static class IdentityErrors
{
    /// <summary>A token that cannot be made as asked: no name, no resource, an unknown statement kind, too long a life, or asked for by a token.</summary>
    public const string InvalidToken = "AL1009";

    /// <summary>An MFA step-up refused: no TOTP set up, or a wrong, old or reused code.</summary>
    public const string MfaFailed = "AL1010";

    /// <summary>A login with a token that was good once and is no more: revoked (API token, or <c>airlock logout</c>). Told only to whoever holds the token.</summary>
    public const string TokenRevoked = "AL1011";

    /// <summary>A login with a token past its expiry (an API token, or an Airlock session token: <c>airlock login</c> again).</summary>
    public const string TokenExpired = "AL1012";

    /// <summary><c>airlock login</c> refused: OIDC is not configured, or the IdP's token failed validation (its own AL084x says why).</summary>
    public const string LoginRefused = "AL1013";

    /// <summary>An action that policy wants done with fresh MFA (a review vote, an access decision) by someone whose MFA is too old.</summary>
    public const string MfaNotFresh = "AL1014";

    /// <summary>An MFA step-up refused unheard: the user's last codes were wrong, and the next is heard only after a back-off (HTTP 429, Retry-After).</summary>
    public const string MfaBackOff = "AL1020";

    /// <summary>An MFA step-up refused unheard: too many wrong codes within the hour locked the user's step-up for a while (HTTP 429, Retry-After; audited as auth.mfa_locked).</summary>
    public const string MfaLockedOut = "AL1021";

    /// <summary>A token asked for on a resource policy does not define (HTTP 400): its scope would name something that is not there.</summary>
    public const string TokenUnknownResource = "AL1042";

    /// <summary>A token name or resource with a control character or line break (HTTP 400): scopes are stored one per line, and names are printed.</summary>
    public const string TokenControlCharacters = "AL1043";
}
