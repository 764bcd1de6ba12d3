using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Small span helpers the detectors share: word boundaries, context keywords looked for just before a
/// match, and Shannon entropy. None of them allocates.
/// </summary>
internal static class TextRules
{
    /// <summary>How far back a context keyword may be ("SSN: ", "routing number 0210...").</summary>
    public const int ContextWindow = 40;

    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    /// <summary>True if the char at <paramref name="i"/> exists and is a letter or digit.</summary>
    public static bool IsAlnumAt(ReadOnlySpan<char> text, int i) => (uint)i < (uint)text.Length && char.IsLetterOrDigit(text[i]);

    /// <summary>True if the char at <paramref name="i"/> exists and is a letter, digit, '_' or '-' (part of a token or identifier).</summary>
    public static bool IsTokenCharAt(ReadOnlySpan<char> text, int i) => (uint)i < (uint)text.Length && TokenChars.Contains(text[i]);

    /// <summary>
    /// True if one of <paramref name="keywords"/> starts a word (case-insensitively) in the <paramref name="window"/>
    /// chars before <paramref name="index"/>: "tel" counts in "tel:" and "telephone", not in "hotel" or "patel".
    /// With <paramref name="nearest"/>, no digit may stand between the keyword and the value, so "born 1952-12-09,
    /// admitted 2025-07-15" gives the keyword to the first date only.
    /// </summary>
    public static bool HasContextBefore(ReadOnlySpan<char> text, int index, SearchValues<string> keywords, int window = ContextWindow, bool nearest = false)
    {
        var from = Math.Max(0, index - window);
        var offset = from;
        while (offset < index)
        {
            var hit = text[offset..index].IndexOfAny(keywords);
            if (hit < 0)
            {
                return false;
            }

            var at = offset + hit;
            if (!IsAlnumAt(text, at - 1) && (!nearest || text[at..index].IndexOfAny(TextScanner.Digits) < 0))
            {
                return true;
            }

            offset = at + 1;
        }

        return false;
    }

    /// <summary>Counts the run of chars from <paramref name="set"/> starting at <paramref name="index"/>, up to <paramref name="max"/>.</summary>
    public static int RunLength(ReadOnlySpan<char> text, int index, SearchValues<char> set, int max)
    {
        var end = Math.Min(text.Length, index + max + 1);
        var run = text[index..end].IndexOfAnyExcept(set);
        return run < 0 ? end - index : run;
    }

    /// <summary>Shannon entropy in bits per char. Random base64 scores above 4.5, English words below 3.5, "aaaa…" 0.</summary>
    public static double Entropy(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty)
        {
            return 0;
        }

        Span<int> counts = stackalloc int[128];
        counts.Clear();
        foreach (var c in value)
        {
            counts[c & 0x7F]++;
        }

        double entropy = 0;
        foreach (var count in counts)
        {
            if (count > 0)
            {
                var p = (double)count / value.Length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy;
    }

    /// <summary>Number of distinct character classes present: lower case, upper case, digits, other.</summary>
    public static int CharClasses(ReadOnlySpan<char> value)
    {
        bool lower = false, upper = false, digit = false, other = false;
        foreach (var c in value)
        {
            if (char.IsAsciiLetterLower(c))
            {
                lower = true;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                upper = true;
            }
            else if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else
            {
                other = true;
            }
        }

        return (lower ? 1 : 0) + (upper ? 1 : 0) + (digit ? 1 : 0) + (other ? 1 : 0);
    }

    /// <summary>Reads consecutive digits from <paramref name="i"/> into <paramref name="value"/>; returns how many (capped at <paramref name="max"/> + 1).</summary>
    public static int ReadDigits(ReadOnlySpan<char> text, int i, int max, out int value)
    {
        value = 0;
        var n = 0;
        while (i + n < text.Length && char.IsAsciiDigit(text[i + n]) && n <= max)
        {
            if (n < 9)
            {
                value = (value * 10) + (text[i + n] - '0');
            }

            n++;
        }

        return n;
    }
}
