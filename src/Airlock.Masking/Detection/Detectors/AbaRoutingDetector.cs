using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// ABA routing transit numbers: nine digits whose first two are a Federal Reserve district prefix
/// (00-12, 21-32, 61-72, 80) and which pass the ABA weighted checksum 3-7-1. One 9-digit number in ten
/// passes that checksum by chance, and logs are full of 9-digit ids, so a context keyword ("routing",
/// "ABA", "RTN", "transit") must appear just before as well. Checksum and context are both required.
/// </summary>
internal sealed class AbaRoutingDetector : Detector
{
    private static readonly SearchValues<string> Context = SearchValues.Create(
        ["routing", "aba", "rtn", "transit", "bank code"], StringComparison.OrdinalIgnoreCase);

    public override string Name => "aba-checksum";

    public override string EntityType => EntityTypes.AbaRouting;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 11;

    public override int MinDigits => 9;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (TextRules.IsAlnumAt(text, index - 1) || TextRules.ReadDigits(text, index, 9, out _) != 9)
        {
            return false;
        }

        var end = index + 9;
        if (TextRules.IsAlnumAt(text, end) || (end + 1 < text.Length && text[end] is '-' or '.' && char.IsAsciiDigit(text[end + 1])))
        {
            return false;
        }

        if (!IsValid(text.Slice(index, 9)) || !TextRules.HasContextBefore(text, index, Context))
        {
            return false;
        }

        length = 9;
        return true;
    }

    /// <summary>District prefix and the checksum 3(d1+d4+d7) + 7(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).</summary>
    internal static bool IsValid(ReadOnlySpan<char> digits)
    {
        var prefix = ((digits[0] - '0') * 10) + (digits[1] - '0');
        if (prefix is not ((>= 0 and <= 12) or (>= 21 and <= 32) or (>= 61 and <= 72) or 80))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 9; i += 3)
        {
            sum += (3 * (digits[i] - '0')) + (7 * (digits[i + 1] - '0')) + (digits[i + 2] - '0');
        }

        return sum % 10 == 0 && !digits.SequenceEqual("000000000");
    }
}
