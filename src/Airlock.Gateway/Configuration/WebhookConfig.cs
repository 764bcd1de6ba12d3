using Airlock.Pipeline;
using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Configuration;

/// <summary>One entry of <c>webhooks:</c>: where approval events are posted, in which format, signed with which secret.</summary>
public sealed record WebhookConfig
{
    /// <summary>The absolute http or https URL, when written in the file; null when <see cref="UrlSecret"/> names it.</summary>
    public Uri? Url { get; init; }

    /// <summary>The URL as <c>env:NAME</c> or <c>file:PATH</c>: a Slack incoming-webhook URL is itself a credential.</summary>
    public ConfiguredSecret? UrlSecret { get; init; }

    public WebhookFormat Format { get; init; } = WebhookFormat.Json;

    /// <summary>The HMAC-SHA256 key of <c>X-Airlock-Signature</c>; null sends no signature.</summary>
    public ConfiguredSecret? Secret { get; init; }

    /// <summary>The events posted (<see cref="ApprovalEvents"/>); all of them by default.</summary>
    public IReadOnlyList<string> Events { get; init; } = ApprovalEvents.All;

    /// <summary>Attempts per notification, the first one included.</summary>
    public int MaxAttempts { get; init; } = DefaultMaxAttempts;

    public SourceLocation Location { get; init; }

    public const int DefaultMaxAttempts = 5;
}

/// <summary>The body a webhook receives.</summary>
public enum WebhookFormat
{
    /// <summary>A flat JSON object with snake_case fields (docs/webhooks.md).</summary>
    Json,

    /// <summary>A Slack incoming-webhook message: <c>text</c> and Block Kit <c>blocks</c>.</summary>
    Slack,
}
