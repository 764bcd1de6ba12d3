using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// AWS access key ids: one of the documented four-letter prefixes (AKIA for long-term keys, ASIA for
/// temporary ones, and the other unique-id prefixes from the IAM user guide, "Understanding unique ID
/// prefixes") followed by 16 base-32 characters (A-Z, 2-7), 20 in all, with nothing glued on either side.
/// The 16 characters must look random (entropy of at least 3 bits per char), which keeps out
/// placeholders such as AKIAXXXXXXXXXXXXXXXX.
/// </summary>
internal sealed class AwsAccessKeyDetector : Detector
{
    private static readonly SearchValues<char> Base32 = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");

    public override string Name => "aws-access-key-id";

    public override string EntityType => EntityTypes.AwsKey;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } =
        ["AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "APKA", "AROA", "ASCA"];

    public override int MaxLength => 20;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (index + 20 > text.Length || TextRules.IsAlnumAt(text, index - 1) || TextRules.IsAlnumAt(text, index + 20))
        {
            return false;
        }

        // The scanner matches keywords case-insensitively; key ids are upper case.
        var key = text.Slice(index, 20);
        if (key.IndexOfAnyExcept(Base32) >= 0 || TextRules.Entropy(key[4..]) < 2.5)
        {
            return false;
        }

        length = 20;
        return true;
    }
}
