using Airlock.Policy.Model;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline;

/// <summary>What the gateway decided about one piece of SQL text, and everything the adapter needs to act on it.</summary>
public sealed record StatementVerdict
{
    public required RuleEffect Effect { get; init; }

    /// <summary>The deciding rule, or <c>default-deny</c>, or an <c>airlock:…</c> id for a refusal that is not policy's (read-only session…).</summary>
    public required string RuleId { get; init; }

    /// <summary>The rule's message for the user, when it has one.</summary>
    public string? RuleMessage { get; init; }

    public required SqlAnalysis Analysis { get; init; }

    /// <summary>What the audit records as the text: normalized statements (literals replaced), never the raw text.</summary>
    public required string AuditText { get; init; }

    public long? MaxRows { get; init; }

    public required string PolicyRevision { get; init; }

    /// <summary>An approval requirement when the effect is review.</summary>
    public ApprovalRequirement? Approval { get; init; }

    /// <summary>The approval this run uses up: a review verdict turned into an allow by <see cref="ActionApprovals"/>.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>Refused now, but allowed after an MFA step-up (<c>airlock mfa</c>): the client is told so.</summary>
    public bool NeedsMfa { get; init; }

    public bool Allowed => Effect == RuleEffect.Allow;
}
