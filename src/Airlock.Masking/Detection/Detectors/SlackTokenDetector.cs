using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Slack tokens and incoming webhooks. Tokens: xoxb- (bot), xoxp- (user), xoxa-, xoxr-, xoxs-, xoxe-
/// and xapp- (app-level), whose body is dash-separated segments, the first numeric, at least three of
/// them, and long enough (at least 30 chars after the prefix) to be real; "xoxb-your-token" is not.
/// Webhooks: hooks.slack.com/services/T…/B…/secret, where only the path after services/ is masked, so
/// the host stays readable in logs.
/// </summary>
internal sealed class SlackTokenDetector : Detector
{
    private const string WebhookHost = "hooks.slack.com/services/";
    private static readonly string[] TokenPrefixes = ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "xoxe-", "xapp-"];
    private static readonly SearchValues<char> UpperAlnum = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    public override string Name => "slack-token";

    public override string EntityType => EntityTypes.SlackToken;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = [.. TokenPrefixes, WebhookHost];

    public override int MaxLength => 256;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = text[index] is 'h' or 'H' ? MatchWebhook(text, index, out start) : MatchToken(text, index);
        return length > 0;
    }

    private static int MatchToken(ReadOnlySpan<char> text, int index)
    {
        var total = PrefixedToken.Match(text, index, TokenPrefixes, PrefixedToken.AlphanumericDash, 30, 250, 3.0);
        if (total == 0)
        {
            return 0;
        }

        var body = text.Slice(index + 5, total - 5);
        var firstDash = body.IndexOf('-');
        if (firstDash <= 0 || body[..firstDash].IndexOfAnyExcept(TextScanner.Digits) >= 0 || body.Count('-') < 2 || body.Contains("--", StringComparison.Ordinal))
        {
            return 0;
        }

        return total;
    }

    private static int MatchWebhook(ReadOnlySpan<char> text, int index, out int start)
    {
        start = index + WebhookHost.Length;
        if (!text[index..].StartsWith(WebhookHost, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        // T<workspace>/B<hook>/<24-char secret>
        var i = start;
        foreach (var marker in "TB")
        {
            if (i >= text.Length || text[i] != marker)
            {
                return 0;
            }

            var id = TextRules.RunLength(text, i + 1, UpperAlnum, 12);
            if (id is < 8 or > 12 || i + 1 + id >= text.Length || text[i + 1 + id] != '/')
            {
                return 0;
            }

            i += id + 2;
        }

        var secret = TextRules.RunLength(text, i, PrefixedToken.Alphanumeric, 32);
        if (secret is < 20 or > 32 || TextRules.IsTokenCharAt(text, i + secret) || TextRules.Entropy(text.Slice(i, secret)) < 3.5)
        {
            return 0;
        }

        return i + secret - start;
    }
}
