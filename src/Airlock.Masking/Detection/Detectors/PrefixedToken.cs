using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// The shared shape of vendor tokens that announce themselves with a prefix (ghp_, sk_live_, AIza,
/// xoxb-): the exact prefix (the scanner's keyword match is case-insensitive, tokens are not), a body of
/// allowed chars of bounded length, nothing token-like glued on either side, and a body random enough
/// that placeholders (sk_live_XXXXXXXX, ghp_your_token_here) stay untouched.
/// </summary>
internal static class PrefixedToken
{
    public static readonly SearchValues<char> Alphanumeric =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    public static readonly SearchValues<char> AlphanumericUnderscore =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

    public static readonly SearchValues<char> AlphanumericDash =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");

    /// <summary>Finds which of <paramref name="prefixes"/> starts at <paramref name="index"/>, case-sensitively; -1 if none.</summary>
    public static int PrefixAt(ReadOnlySpan<char> text, int index, IReadOnlyList<string> prefixes)
    {
        var rest = text[index..];
        for (var p = 0; p < prefixes.Count; p++)
        {
            if (rest.StartsWith(prefixes[p], StringComparison.Ordinal))
            {
                return prefixes[p].Length;
            }
        }

        return -1;
    }

    /// <summary>
    /// Matches prefix + body at <paramref name="index"/>; returns the total length or 0. The body is the
    /// whole run of <paramref name="bodyChars"/>, which must be between <paramref name="minBody"/> and
    /// <paramref name="maxBody"/> long.
    /// </summary>
    public static int Match(ReadOnlySpan<char> text, int index, IReadOnlyList<string> prefixes, SearchValues<char> bodyChars, int minBody, int maxBody, double minEntropy)
    {
        if (TextRules.IsTokenCharAt(text, index - 1))
        {
            return 0;
        }

        var prefix = PrefixAt(text, index, prefixes);
        if (prefix < 0)
        {
            return 0;
        }

        var bodyStart = index + prefix;
        var body = TextRules.RunLength(text, bodyStart, bodyChars, maxBody);
        if (body < minBody || body > maxBody || TextRules.IsTokenCharAt(text, bodyStart + body)
            || TextRules.Entropy(text.Slice(bodyStart, body)) < minEntropy)
        {
            return 0;
        }

        return prefix + body;
    }
}
