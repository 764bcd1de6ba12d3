namespace Airlock.Audit;

/// <summary>The kinds of audit event. Stable names: SIEM rules match on them (docs/audit.md).</summary>
public static class AuditEventKinds
{
    public const string SessionStart = "session.start";
    public const string SessionEnd = "session.end";

    /// <summary>Written before an allowed action is forwarded (write-ahead).</summary>
    public const string ActionIntent = "action.intent";

    /// <summary>Written after the action: rows, masking counts, duration, outcome. Refers to its intent.</summary>
    public const string ActionOutcome = "action.outcome";

    /// <summary>An action that was not forwarded: denied by policy, or held for review.</summary>
    public const string ActionBlocked = "action.blocked";

    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalApproved = "approval.approved";
    public const string ApprovalDenied = "approval.denied";
    public const string ApprovalExpired = "approval.expired";

    /// <summary>One approver's yes that did not yet meet the rule's requirement.</summary>
    public const string ApprovalVoted = "approval.voted";

    /// <summary>A vote that was refused: the requester's own, or from someone who is not an approver.</summary>
    public const string ApprovalRefused = "approval.refused";

    /// <summary>An approved action ran: the approval is used up.</summary>
    public const string ApprovalUsed = "approval.used";

    /// <summary>A grant taken at once by break-glass: the alert, and the opening of its after-the-fact review.</summary>
    public const string BreakGlass = "approval.break_glass";
    public const string GrantCreated = "grant.created";
    public const string GrantRevoked = "grant.revoked";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string PolicyLoaded = "policy.loaded";
    public const string PolicyRejected = "policy.rejected";
    public const string AuthFailed = "auth.failed";

    /// <summary><c>airlock login</c>: an Airlock session token was issued for a user the IdP vouched for.</summary>
    public const string Login = "auth.login";

    /// <summary>An Airlock session token was revoked (<c>airlock logout</c>).</summary>
    public const string Logout = "auth.logout";

    /// <summary>A user proved a fresh TOTP code (MFA step-up).</summary>
    public const string MfaVerified = "auth.mfa";

    /// <summary>The alert of a TOTP lockout: too many wrong step-up codes for one user within the hour (issue 14, class I).</summary>
    public const string MfaLocked = "auth.mfa_locked";
    public const string Admin = "admin.action";
}
