namespace Airlock.Pipeline;

/// <summary>Stable ids of refused approval steps.</summary>
public static class ApprovalErrors
{
    public const string NotFound = "AL1001";
    public const string NotPending = "AL1002";
    public const string SelfApproval = "AL1003";
    public const string NotAnApprover = "AL1004";
    public const string AlreadyVoted = "AL1005";
    public const string ReasonRequired = "AL1006";
    public const string RuleGone = "AL1007";
    public const string InvalidAccessRequest = "AL1008";

    /// <summary>A requester has as many pending requests as one person may have (<see cref="ActionApprovals.MaxPendingPerUser"/>).</summary>
    public const string TooManyPending = "AL1022";

    /// <summary>A request to the admin API whose body or query is malformed or out of range (an overflowing duration, a number too large).</summary>
    public const string BadRequest = "AL1023";

    /// <summary>An access request or break-glass for a grant that no rule on that resource names (HTTP 400): held, it would change nothing.</summary>
    public const string GrantDoesNotApply = "AL1044";
}
