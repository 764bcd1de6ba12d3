using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Passwords inside URLs: scheme://user:password@host (RFC 3986 §3.2.1 userinfo). Triggered at the
/// scheme's ':'; the authority runs to the first '/', '?', '#' or space, and its last '@' ends the
/// userinfo. Only the password is masked, so the user and host stay readable. Placeholders such as
/// "****", "${DB_PASSWORD}" or "&lt;password&gt;" are not secrets.
/// </summary>
internal sealed class UrlCredentialsDetector : Detector
{
    private static readonly SearchValues<char> AuthorityEnd = SearchValues.Create("/?#\\ \t\r\n\"'<>`,;|[]{}()");

    public override string Name => "url-userinfo";

    public override string EntityType => EntityTypes.UrlCredentials;

    public override DetectorTrigger Trigger => DetectorTrigger.Colon;

    public override int MaxLength => 512;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (index == 0 || index + 3 >= text.Length || text[index + 1] != '/' || text[index + 2] != '/' || !char.IsAsciiLetterOrDigit(text[index - 1]))
        {
            return false;
        }

        var authorityStart = index + 3;
        var rest = text[authorityStart..Math.Min(text.Length, authorityStart + MaxLength)];
        var authorityLength = rest.IndexOfAny(AuthorityEnd);
        var authority = authorityLength < 0 ? rest : rest[..authorityLength];
        var at = authority.LastIndexOf('@');
        if (at <= 0)
        {
            return false;
        }

        var colon = authority[..at].IndexOf(':');
        if (colon < 0 || colon == at - 1)
        {
            return false;
        }

        var password = authority[(colon + 1)..at];
        if (SecretValue.IsPlaceholder(password) || at == authority.Length - 1)
        {
            return false;
        }

        start = authorityStart + colon + 1;
        length = password.Length;
        return true;
    }
}
