using Airlock.Gateway.Configuration;
using Airlock.Gateway.Secrets;

namespace Airlock.Gateway.Notifications;

/// <summary>A configured webhook with its URL and secret read: what the notifier posts to.</summary>
internal sealed record WebhookEndpoint
{
    public required Uri Url { get; init; }

    public WebhookFormat Format { get; init; } = WebhookFormat.Json;

    /// <summary>The HMAC key; null sends no signature.</summary>
    public string? Secret { get; init; }

    public IReadOnlySet<string> Events { get; init; } = new HashSet<string>(Pipeline.ApprovalEvents.All, StringComparer.Ordinal);

    public int MaxAttempts { get; init; } = WebhookConfig.DefaultMaxAttempts;

    /// <summary>How logs name it: the position and the origin only, since a URL's path can be a credential (Slack's is).</summary>
    public string Name { get; init; } = "webhook";

    /// <summary>Reads the URL (when it is a reference) and the secret now; throws <see cref="GatewayException"/> when either is unusable.</summary>
    public static WebhookEndpoint FromConfig(WebhookConfig config, int index, SecretResolver secrets)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(secrets);
        var url = config.Url;
        if (url is null && config.UrlSecret is { } reference
            && !GatewayConfigLoader.TryWebhookUrl(secrets.Resolve(reference.Reference).Trim(), out url))
        {
            throw new GatewayException(GatewayErrors.InvalidValue, $"{reference.Location}: webhook {index + 1}: {reference} does not hold an absolute http:// or https:// URL (the value is not shown here)");
        }

        return new WebhookEndpoint
        {
            Url = url ?? throw new ArgumentException("a webhook needs a URL", nameof(config)),
            Format = config.Format,
            Secret = config.Secret is { } secret ? secrets.Resolve(secret.Reference) : null,
            Events = new HashSet<string>(config.Events, StringComparer.Ordinal),
            MaxAttempts = config.MaxAttempts,
            Name = $"webhook {index + 1} ({url.GetLeftPart(UriPartial.Authority)})",
        };
    }
}
