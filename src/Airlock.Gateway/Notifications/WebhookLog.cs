using Microsoft.Extensions.Logging;

namespace Airlock.Gateway.Notifications;

/// <summary>What the notifier logs: the webhook's origin, the event and request ids, never a URL path, body or secret.</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 830, Level = LogLevel.Warning, Message = "AL0830: {Webhook}: {Event} {Delivery} for {Request} failed after {Attempts} attempt(s): {Problem}")]
    public static partial void GaveUp(ILogger logger, string webhook, string @event, string delivery, string request, int attempts, string problem);

    [LoggerMessage(EventId = 831, Level = LogLevel.Warning, Message = "AL0831: {Webhook}: {Event} {Delivery} for {Request} refused with HTTP {Status}; not retried")]
    public static partial void Refused(ILogger logger, string webhook, string @event, string delivery, string request, int status);

    [LoggerMessage(EventId = 832, Level = LogLevel.Warning, Message = "AL0832: {Webhook}: {Event} for {Request} dropped: {Reason}")]
    public static partial void Dropped(ILogger logger, string webhook, string @event, string request, string reason);

    [LoggerMessage(EventId = 833, Level = LogLevel.Debug, Message = "{Webhook}: {Event} {Delivery} attempt {Attempt} failed ({Problem}); next in {Delay}")]
    public static partial void Retrying(ILogger logger, string webhook, string @event, string delivery, int attempt, string problem, TimeSpan delay);
}
