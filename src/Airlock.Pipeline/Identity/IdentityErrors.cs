namespace Airlock.Pipeline;

/// <summary>Stable ids of refused identity steps (API tokens, MFA step-up).</summary>
public static class IdentityErrors
{
    /// <summary>A token that cannot be made as asked: no name, no resource, an unknown statement kind, too long a life, or asked for by a token.</summary>
    public const string InvalidToken = "AL1009";

    /// <summary>An MFA step-up refused: no TOTP set up, or a wrong, old or reused code.</summary>
    public const string MfaFailed = "AL1010";
}
