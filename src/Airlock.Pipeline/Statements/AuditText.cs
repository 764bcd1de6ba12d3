using System.Security.Cryptography;
using System.Text;

namespace Airlock.Pipeline;

/// <summary>
/// Caps the statement text an audit event keeps (issue 14, class I: an 8 MB statement made a 34.9 MB
/// event). A longer text keeps its first <see cref="MaxChars"/> characters and the SHA-256 of the whole
/// (normalized) text, so the event stays small and the text it stood for can still be matched.
/// </summary>
public static class AuditText
{
    /// <summary>The characters of statement text an audit event keeps: 16 KiB.</summary>
    public const int MaxChars = 16 * 1024;

    public static string Capped(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxChars)
        {
            return text;
        }

        // Never half a surrogate pair: the event is JSON text.
        var cut = char.IsHighSurrogate(text[MaxChars - 1]) ? MaxChars - 1 : MaxChars;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        return $"{text[..cut]}… (cut at {cut} of {text.Length} characters; sha256 of the whole text {hash})";
    }
}
