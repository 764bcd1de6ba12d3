using System.Security.Cryptography;
using System.Text;
using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>What the trail, webhooks and lists say about a request: never its exact text.</summary>
public sealed partial class ActionApprovals
{
    private async ValueTask RecordAsync(string kind, ApprovalRequestRecord request, string? user, string? sessionId, string? comment, CancellationToken cancellationToken)
    {
        var detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["approval_id"] = request.Id, ["requester"] = request.Requester, ["state"] = request.State };
        if (request.Grant is { } grant)
        {
            detail["grant"] = grant;
        }

        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = kind,
                User = user,
                SessionId = sessionId,
                Resource = request.Resource,
                ActionType = "approval",
                Text = AuditTextOf(request),
                Rule = request.Rule,
                PolicyRevision = request.PolicyRevision,
                Error = comment,
                Detail = detail,
            },
            cancellationToken);
    }

    /// <summary>
    /// The text the trail keeps for a request: for an action, the parser's normalized statements (literals
    /// replaced, comments gone), as for every other statement; never the exact text, which stays with the
    /// request for its deciders. A request made before the structure was kept has only its masked summary.
    /// </summary>
    private static string? AuditTextOf(ApprovalRequestRecord request) =>
        request.Kind == ActionKind && ApprovalStructure.FromJson(request.Structure) is { } structure ? structure.Normalized : request.ActionSummary;

    /// <summary>What reviewers see: the exact text and parameter values, with detected secrets masked.</summary>
    private string Summary(string text, IReadOnlyList<byte[]?> parameters)
    {
        var engine = masking();
        var summary = new StringBuilder(engine.Mask(text));
        for (var i = 0; i < parameters.Count; i++)
        {
            summary.Append(i == 0 ? "\nparameters: " : ", ").Append('$').Append(i + 1).Append(" = ");
            summary.Append(parameters[i] is { } p ? "'" + engine.Mask(Encoding.UTF8.GetString(p)) + "'" : "NULL");
        }

        return summary.ToString();
    }

    /// <summary>Short enough to type, random enough (80 bits) not to guess.</summary>
    private static string NewId() => "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>
    /// Tells the notifier (webhooks: Slack and other systems outside the gateway). The free text people wrote,
    /// the requester's reason and the approver's comment or denial reason, goes through the masking engine
    /// first, as the audit trail's free text does: a pasted password or card number stays here.
    /// </summary>
    private void Notify(string @event, ApprovalRequestRecord request, string? actor, DateTimeOffset at)
    {
        if (Notifier is not { } notifier)
        {
            return;
        }

        var engine = masking();
        string? Masked(string? text) => string.IsNullOrEmpty(text) ? text : engine.Mask(text);
        // Notifiers (webhooks) never get the exact text: it is for the request's deciders only (issue 14, class H).
        notifier.Notify(new ApprovalNotification(@event, request with { Reason = Masked(request.Reason), Comment = Masked(request.Comment), ExactText = null, ExactParameters = null }, actor, at));
    }
}
