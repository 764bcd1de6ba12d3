using System.Buffers;
using System.Text.Json;
using Airlock.Gateway.Configuration;
using Airlock.Pipeline;

namespace Airlock.Gateway.Notifications;

/// <summary>
/// The bodies a webhook receives (docs/webhooks.md). Only what reviewers already see goes out: the action
/// summary was masked when the request was made, the requester's reason and the approver's comment were
/// masked before the notification was made, and no token or secret is ever part of a request record.
/// </summary>
internal static class WebhookPayload
{
    public static byte[] For(WebhookFormat format, ApprovalNotification notification, string instance) =>
        format == WebhookFormat.Slack ? Slack(notification, instance) : Json(notification, instance);

    /// <summary>The flat JSON object, snake_case; absent values are null, never left out, so receivers see one shape.</summary>
    public static byte[] Json(ApprovalNotification notification, string instance)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var request = notification.Request;
        return Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("event", notification.Event);
            json.WriteString("id", request.Id);
            json.WriteString("kind", request.Kind);
            json.WriteString("state", request.State);
            json.WriteString("requester", request.Requester);
            json.WriteString("resource", request.Resource);
            json.WriteString("rule", request.Rule);
            json.WriteString("grant", request.Grant);
            json.WriteString("reason", request.Reason);
            json.WriteString("action", request.ActionSummary);
            json.WriteString("actor", notification.Actor);
            json.WriteString("comment", request.Comment);
            json.WriteString("at", notification.At.ToUniversalTime());
            json.WriteString("expires_at", request.ExpiresAt.ToUniversalTime());
            json.WriteString("instance", instance);
            json.WriteEndObject();
        });
    }

    /// <summary>A Slack incoming-webhook message: a one-line <c>text</c> (notifications, fallbacks) and section blocks.</summary>
    public static byte[] Slack(ApprovalNotification notification, string instance)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var request = notification.Request;
        var summary = SlackText.Summary(notification);
        return Write(json =>
        {
            json.WriteStartObject();
            json.WriteString("text", summary);
            json.WriteStartArray("blocks");
            Section(json, summary);
            json.WriteStartObject();
            json.WriteString("type", "section");
            json.WriteStartArray("fields");
            Field(json, "Request", $"`{request.Id}` ({SlackText.Escape(request.State)})");
            Field(json, "Requester", SlackText.Escape(request.Requester));
            Field(json, "Resource", SlackText.Escape(request.Resource));
            Field(json, "Rule", SlackText.Escape(request.Rule));
            Field(json, notification.Event == ApprovalEvents.Approved ? "Use before" : "Expires", request.ExpiresAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture));
            Field(json, "Gateway", SlackText.Escape(instance));
            json.WriteEndArray();
            json.WriteEndObject();
            if (request.ActionSummary is { Length: > 0 } action)
            {
                Section(json, "```" + SlackText.Code(action, SlackText.MaxBlockAction) + "```");
            }

            if (request.Comment is { Length: > 0 } comment && notification.Event is ApprovalEvents.Approved or ApprovalEvents.Denied)
            {
                Section(json, $"*{(notification.Event == ApprovalEvents.Denied ? "Reason" : "Comment")}:* {SlackText.Escape(comment)}");
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static void Section(Utf8JsonWriter json, string markdown)
    {
        json.WriteStartObject();
        json.WriteString("type", "section");
        json.WriteStartObject("text");
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", markdown);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void Field(Utf8JsonWriter json, string label, string value)
    {
        json.WriteStartObject();
        json.WriteString("type", "mrkdwn");
        json.WriteString("text", $"*{label}*\n{value}");
        json.WriteEndObject();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            body(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
