using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Cookie values, which carry sessions. In a Cookie header (RFC 6265 §5.4) everything after the first
/// name= is masked to the end of the line, since every pair may be a session. In a Set-Cookie header
/// (RFC 6265 §4.1) only the value of the cookie being set is masked; its attributes (Path, Expires,
/// HttpOnly) are not secret. The header name must be followed by ':' or '=' and a name=value pair.
/// </summary>
internal sealed class CookieDetector : Detector
{
    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~");

    private static readonly SearchValues<char> HeaderEnd = SearchValues.Create("\r\n\"");
    private static readonly SearchValues<char> ValueEnd = SearchValues.Create("\r\n\"; ,");

    public override string Name => "cookie-header";

    public override string EntityType => EntityTypes.AuthHeader;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["Cookie"];

    public override int MaxLength => 4096;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        var setCookie = index >= 4 && text.Slice(index - 4, 4).Equals("Set-", StringComparison.OrdinalIgnoreCase);
        var nameStart = setCookie ? index - 4 : index;
        if (TextRules.IsTokenCharAt(text, nameStart - 1) || TextRules.IsTokenCharAt(text, index + 6))
        {
            return false;
        }

        var i = index + 6;
        while (i < text.Length && text[i] is '"' or '\'' or ' ')
        {
            i++;
        }

        if (i >= text.Length || text[i] is not (':' or '='))
        {
            return false;
        }

        i++;
        while (i < text.Length && text[i] is '"' or ' ' or '\t')
        {
            i++;
        }

        var name = TextRules.RunLength(text, i, NameChars, 256);
        if (name == 0 || i + name >= text.Length || text[i + name] != '=')
        {
            return false;
        }

        var valueStart = i + name + 1;
        var rest = text[valueStart..Math.Min(text.Length, valueStart + MaxLength)];
        var end = rest.IndexOfAny(setCookie ? ValueEnd : HeaderEnd);
        var value = (end < 0 ? rest : rest[..end]).TrimEnd();
        if (value.Length < 4 || SecretValue.IsPlaceholder(value))
        {
            return false;
        }

        start = valueStart;
        length = value.Length;
        return true;
    }
}
