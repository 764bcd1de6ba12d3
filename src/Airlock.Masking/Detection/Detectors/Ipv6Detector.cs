using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// IPv6 addresses (RFC 4291 §2.2), found from their first ':'. The candidate is the run of hex digits,
/// colons and dots around it, parsed by <see cref="IPAddress.TryParse(ReadOnlySpan{char}, out IPAddress?)"/>.
/// Before parsing, shapes that are valid IPv6 text but mean something else in logs are rejected: times
/// (10:20:30) and MAC addresses have no '::' and fewer than eight groups; "std::map" or "a::b" have a
/// letter glued to them or too few groups. The loopback "::1" and bare "::" are not personal data.
/// </summary>
internal sealed class Ipv6Detector : Detector
{
    private static readonly SearchValues<char> AddressChars = SearchValues.Create("0123456789abcdefABCDEF:.");
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    public override string Name => "ipv6-parsed";

    public override string EntityType => EntityTypes.IpAddress;

    public override DetectorTrigger Trigger => DetectorTrigger.Colon;

    public override int MaxLength => 45;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;

        // Hex digits before the first colon: at most four, and not glued to a longer word.
        var from = index;
        while (from > 0 && index - from < 5 && HexDigits.Contains(text[from - 1]))
        {
            from--;
        }

        if (index - from > 4 || (from > 0 && (char.IsLetterOrDigit(text[from - 1]) || text[from - 1] is '_' or ':' or '.' or '-')))
        {
            return false;
        }

        var end = index + TextRules.RunLength(text, index, AddressChars, 45);
        while (end > index && text[end - 1] == '.')
        {
            end--;
        }

        var candidate = text[from..end];
        if (candidate.Length < 6 || candidate.Length > 45 || TextRules.IsTokenCharAt(text, end))
        {
            return false;
        }

        var colons = candidate.Count(':');
        var compressed = candidate.IndexOf("::", StringComparison.Ordinal) >= 0;
        var hasIpv4Tail = candidate.Contains('.');
        if (compressed ? colons < 3 && !hasIpv4Tail : colons != 7 && !(hasIpv4Tail && colons == 6))
        {
            return false;
        }

        if (!IPAddress.TryParse(candidate, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IPv6Loopback.Equals(address))
        {
            return false;
        }

        start = from;
        length = end - from;
        return true;
    }
}
