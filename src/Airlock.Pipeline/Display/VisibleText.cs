using System.Globalization;
using System.Text;

namespace Airlock.Pipeline;

/// <summary>
/// Text from users (a held statement, a reason, a name) made safe to show a person: every character that a
/// terminal or a browser would act on or hide instead of showing is written as <c>\u{XXXX}</c> (its code point
/// in hex), so an approver sees what is there (issue 14, class H). Escaped:
/// <list type="bullet">
/// <item>C0 controls and DEL (ESC starts terminal escape sequences; CR and BS overwrite what was shown), except
/// TAB, and LF and CR LF where the caller allows lines;</item>
/// <item>C1 controls U+0080–U+009F (U+009B is a one-byte CSI to many terminals);</item>
/// <item>format characters (Unicode category Cf): bidi embeddings, overrides and isolates U+202A–U+202E and
/// U+2066–U+2069, marks U+200E, U+200F, U+061C, zero-width U+200B–U+200D, U+2060, U+FEFF, the soft hyphen,
/// tag characters;</item>
/// <item>line and paragraph separators U+2028, U+2029, every space that is not U+0020 (PostgreSQL reads
/// U+00A0 as part of an identifier, not as a space: scan.l), and lone surrogates.</item>
/// </list>
/// A backslash that would read as the start of such an escape (<c>\u{</c>) is itself written <c>\u{005C}</c>, so
/// the escaped text maps back to exactly one original.
/// </summary>
public static class VisibleText
{
    /// <summary>The text with every character a person would not see as itself escaped; <paramref name="multiline"/> keeps line breaks.</summary>
    /// <param name="text">What to show.</param>
    /// <param name="multiline">Keep LF and CR LF as line breaks.</param>
    /// <param name="quoteBackslash">
    /// Write a backslash that starts <c>\u{</c> as <c>\u{005C}</c>. False for text that was escaped already (the admin
    /// API's <c>exact</c> fields, which the CLI escapes again in case of a server that did not): escaping it twice
    /// would only change what a careful reader sees.
    /// </param>
    public static string Escape(string? text, bool multiline = false, bool quoteBackslash = true)
    {
        if (string.IsNullOrEmpty(text) || !NeedsEscape(text, multiline, quoteBackslash))
        {
            return text ?? string.Empty;
        }

        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, text[i + 1]);
                if (Hidden(CharUnicodeInfo.GetUnicodeCategory(codePoint)))
                {
                    Append(builder, codePoint);
                }
                else
                {
                    builder.Append(c).Append(text[i + 1]);
                }

                i++;
                continue;
            }

            if (Escaped(text, i, multiline, quoteBackslash))
            {
                Append(builder, c);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>Whether <see cref="Escape"/> would change <paramref name="text"/>.</summary>
    public static bool NeedsEscape(string text, bool multiline = false, bool quoteBackslash = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (Hidden(CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(text[i], text[i + 1]))))
                {
                    return true;
                }

                i++;
                continue;
            }

            if (Escaped(text, i, multiline, quoteBackslash))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Escaped(string text, int i, bool multiline, bool quoteBackslash)
    {
        var c = text[i];
        return c switch
        {
            '\t' => false,
            '\n' => !multiline,
            '\r' => !(multiline && i + 1 < text.Length && text[i + 1] == '\n'),
            '\\' => quoteBackslash && i + 2 < text.Length && text[i + 1] == 'u' && text[i + 2] == '{',
            ' ' => false,
            _ when c < ' ' || c == '\u007f' || c is >= '\u0080' and <= '\u009f' => true,
            _ when char.IsSurrogate(c) => true,
            _ => c > '\u007f' && Hidden(CharUnicodeInfo.GetUnicodeCategory(c)),
        };
    }

    private static bool Hidden(UnicodeCategory category) => category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
        or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator or UnicodeCategory.Surrogate;

    private static void Append(StringBuilder builder, int codePoint) =>
        builder.Append("\\u{").Append(codePoint.ToString(codePoint > 0xffff ? "X5" : "X4", CultureInfo.InvariantCulture)).Append('}');
}
