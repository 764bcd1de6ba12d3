using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// IPv4 addresses in dotted-quad form: four decimal octets 0-255 without leading zeros (RFC 6943 §3.1.1
/// warns that leading zeros are read as octal by some parsers, and in logs they mean versions or dates).
/// A fifth part (1.2.3.4.5), a letter or digit on either side (v1.2.3.4, build1.2.3.4) or a version word
/// just before ("version 10.0.19041.1", "release 1.2.3.4") means it is a version, not an address.
/// </summary>
internal sealed class Ipv4Detector : Detector
{
    private static readonly SearchValues<string> VersionWords = SearchValues.Create(
        ["version", "ver.", "ver ", "release", "build", "firmware", "kernel", "v.", "rev ", "rev.", "patch"], StringComparison.OrdinalIgnoreCase);

    public override string Name => "ipv4-octets";

    public override string EntityType => EntityTypes.IpAddress;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 15;

    public override int MinDigits => 4;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        // Chrome/124.0.0.0 and v1.2.3.4 are versions: an address never follows a letter, '/', '.', '_', '-' or '@'.
        if (index > 0 && (char.IsLetterOrDigit(text[index - 1]) || text[index - 1] is '.' or '_' or '-' or '@' or '/'))
        {
            return false;
        }

        var i = index;
        for (var octet = 0; octet < 4; octet++)
        {
            if (octet > 0)
            {
                if (i >= text.Length || text[i] != '.')
                {
                    return false;
                }

                i++;
            }

            var n = TextRules.ReadDigits(text, i, 3, out var value);
            if (n is 0 or > 3 || value > 255 || (n > 1 && text[i] == '0'))
            {
                return false;
            }

            i += n;
        }

        if (TextRules.IsAlnumAt(text, i) || (i + 1 < text.Length && text[i] is '.' or '-' && char.IsAsciiDigit(text[i + 1])))
        {
            return false;
        }

        if (TextRules.HasContextBefore(text, index, VersionWords, 16))
        {
            return false;
        }

        length = i - index;
        return true;
    }
}
