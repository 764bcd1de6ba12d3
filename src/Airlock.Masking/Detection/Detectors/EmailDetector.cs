using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Email addresses: a local part and a domain around '@' (RFC 5321 shapes, without quoted local parts),
/// where the domain has at least two labels and ends in a real top-level domain. The TLD check is what
/// keeps <c>user@localhost</c>, <c>git@github</c> and decorators like <c>@Override</c> out.
/// </summary>
internal sealed class EmailDetector : Detector
{
    // RFC 5322 allows more (!#$&*/=?^`{|}~), but in logs "user=ann@example.com" means the key "user" and the
    // address "ann@example.com"; addresses in real use keep to these characters.
    private static readonly SearchValues<char> LocalChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+'-");
    private static readonly SearchValues<char> DomainChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");

    public override string Name => "email-tld";

    public override string EntityType => EntityTypes.Email;

    public override DetectorTrigger Trigger => DetectorTrigger.At;

    public override int MaxLength => 254;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        var localStart = index;
        while (localStart > 0 && index - localStart < 64 && LocalChars.Contains(text[localStart - 1]))
        {
            localStart--;
        }

        // A local part neither starts nor ends with a dot.
        while (localStart < index && text[localStart] == '.')
        {
            localStart++;
        }

        if (localStart == index || text[index - 1] == '.')
        {
            return false;
        }

        // scheme://user:password@host and https://token@host: that is URL userinfo, whose secret part the
        // URL and token detectors mask. mailto:ann@example.com is an address.
        if (localStart > 0 && (text[localStart - 1] == '/' || (text[localStart - 1] == ':' && InsideUrl(text, localStart - 1))))
        {
            return false;
        }

        var domainEnd = index + 1;
        while (domainEnd < text.Length && domainEnd - index < 253 && DomainChars.Contains(text[domainEnd]))
        {
            domainEnd++;
        }

        // Trailing punctuation ends a sentence, not a domain.
        while (domainEnd > index + 1 && text[domainEnd - 1] is '.' or '-')
        {
            domainEnd--;
        }

        var domain = text[(index + 1)..domainEnd];
        var lastDot = domain.LastIndexOf('.');
        if (lastDot <= 0 || domain.Contains("..", StringComparison.Ordinal) || domain[0] is '-' or '.')
        {
            return false;
        }

        if (!TopLevelDomains.IsKnown(domain[(lastDot + 1)..]))
        {
            return false;
        }

        start = localStart;
        length = domainEnd - localStart;
        return true;
    }

    /// <summary>Whether the word holding <paramref name="index"/> has a "://" before it.</summary>
    private static bool InsideUrl(ReadOnlySpan<char> text, int index)
    {
        var from = index;
        while (from > 0 && index - from < 256 && !char.IsWhiteSpace(text[from - 1]) && text[from - 1] is not ('"' or '\'' or '=' or '('))
        {
            from--;
        }

        return text[from..index].Contains("://", StringComparison.Ordinal);
    }
}
