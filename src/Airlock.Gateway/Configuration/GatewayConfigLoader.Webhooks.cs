using Airlock.Pipeline;
using YamlDotNet.RepresentationModel;

namespace Airlock.Gateway.Configuration;

public static partial class GatewayConfigLoader
{
    private static readonly string[] WebhookFormats = ["json", "slack"];

    /// <summary><c>webhooks:</c>, a list of <c>{ url, format, secret, events, max_attempts }</c> (docs/webhooks.md).</summary>
    private static List<WebhookConfig> ReadWebhooks(YamlNode node, ConfigReader reader)
    {
        var webhooks = new List<WebhookConfig>();
        if (node is not YamlSequenceNode sequence)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), $"webhooks must be a list, not {ConfigReader.Describe(node)}");
            return webhooks;
        }

        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var what = $"webhook {i + 1}";
            if (reader.Mapping(sequence.Children[i], what) is not { } mapping)
            {
                continue;
            }

            reader.CheckKeys(mapping, what, "url", "format", "secret", "events", "max_attempts");
            var urlNode = reader.Require(mapping, "url", what);
            var (url, urlSecret) = urlNode is null ? (null, null) : ReadWebhookUrl(urlNode, what, reader);
            var format = ConfigReader.Get(mapping, "format") is { } f ? reader.Choice(f, $"{what}: format", WebhookFormats) : "json";
            var secret = ConfigReader.Get(mapping, "secret") is { } s ? reader.Secret(s, $"{what}: secret") : null;
            var events = ConfigReader.Get(mapping, "events") is { } e ? ReadWebhookEvents(e, what, reader) : ApprovalEvents.All;
            var attempts = ConfigReader.Get(mapping, "max_attempts") is { } a ? reader.Integer(a, $"{what}: max_attempts", 1, 20) : WebhookConfig.DefaultMaxAttempts;
            if ((url is null && urlSecret is null) || format is null || events is null || attempts is null)
            {
                continue;
            }

            webhooks.Add(new WebhookConfig
            {
                Url = url,
                UrlSecret = urlSecret,
                Format = format == "slack" ? WebhookFormat.Slack : WebhookFormat.Json,
                Secret = secret,
                Events = events,
                MaxAttempts = attempts.Value,
                Location = reader.At(mapping),
            });
        }

        return webhooks;
    }

    /// <summary>An absolute http(s) URL, or <c>env:NAME</c> / <c>file:PATH</c> holding one (checked when the gateway starts).</summary>
    private static (Uri? Url, ConfiguredSecret? Secret) ReadWebhookUrl(YamlNode node, string what, ConfigReader reader)
    {
        if (reader.String(node, $"{what}: url") is not { } text)
        {
            return (null, null);
        }

        text = text.Trim();
        if (text.StartsWith("env:", StringComparison.Ordinal) || text.StartsWith("file:", StringComparison.Ordinal))
        {
            return (null, reader.Secret(node, $"{what}: url"));
        }

        if (TryWebhookUrl(text, out var url))
        {
            return (url, null);
        }

        reader.Report(GatewayErrors.InvalidValue, reader.At(node), $"{what}: url must be an absolute http:// or https:// URL, or env:NAME / file:PATH holding one");
        return (null, null);
    }

    /// <summary>True for an absolute http or https URL with a host.</summary>
    internal static bool TryWebhookUrl(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttp || parsed.Scheme == Uri.UriSchemeHttps) && parsed.Host.Length > 0)
        {
            url = parsed;
            return true;
        }

        url = null;
        return false;
    }

    private static List<string>? ReadWebhookEvents(YamlNode node, string what, ConfigReader reader)
    {
        if (node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            reader.Report(GatewayErrors.InvalidValue, reader.At(node), $"{what}: events must be a non-empty list of: {string.Join(", ", ApprovalEvents.All)}");
            return null;
        }

        var events = new List<string>();
        var valid = true;
        foreach (var item in sequence.Children)
        {
            if (reader.Choice(item, $"{what}: events", [.. ApprovalEvents.All]) is { } name)
            {
                if (!events.Contains(name, StringComparer.Ordinal))
                {
                    events.Add(name);
                }
            }
            else
            {
                valid = false;
            }
        }

        return valid ? events : null;
    }
}
