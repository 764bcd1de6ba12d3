using System.Text;
using Airlock.Pipeline;

namespace Airlock.Gateway.Notifications;

/// <summary>Slack mrkdwn for approval events: the one-line summary, escaped as Slack asks.</summary>
internal static class SlackText
{
    /// <summary>A section's text may be 3,000 characters; the action keeps room for its fence.</summary>
    public const int MaxBlockAction = 2900;

    private const int MaxLineAction = 200;

    public static string Summary(ApprovalNotification notification)
    {
        var r = notification.Request;
        var who = Escape(notification.Actor ?? r.Requester);
        var action = r.ActionSummary is { Length: > 0 } a ? $": `{Code(FirstLine(a), MaxLineAction)}`" : string.Empty;
        var on = $"on {Escape(r.Resource)} (rule {Escape(r.Rule)})";
        return notification.Event switch
        {
            ApprovalEvents.Created => $":hourglass: {Escape(r.Requester)} asks to run {on}{action} — approve: `airlock reviews approve {r.Id}`",
            ApprovalEvents.Approved => $":white_check_mark: {who} approved {r.Id}: {Escape(r.Requester)} may run it once {on}{action}",
            ApprovalEvents.Denied => $":no_entry: {who} denied {r.Id}, {Escape(r.Requester)}'s request {on}{action}",
            ApprovalEvents.Expired => $":clock3: {r.Id} expired: {Escape(r.Requester)}'s request {on}{action}",
            ApprovalEvents.BreakGlass => $":rotating_light: break-glass: {who} {on}{action} ({r.Id})",
            _ => $"{Escape(notification.Event)}: {r.Id} {on}{action}",
        };
    }

    /// <summary>Slack's three control characters (api.slack.com/reference/surfaces/formatting#escaping).</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Text for a code span or block: escaped, backticks made quotes (a backtick would end it), shortened with an ellipsis.</summary>
    public static string Code(string text, int max)
    {
        var code = Escape(text.Replace('`', '\''));
        if (code.Length <= max)
        {
            return code;
        }

        return new StringBuilder(code, 0, max - 1, max).Append('…').ToString();
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline] + " …";
    }
}
