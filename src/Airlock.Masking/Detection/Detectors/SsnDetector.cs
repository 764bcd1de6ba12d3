using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// US Social Security numbers in the shape AAA-GG-SSSS. The SSA never issues area 000, 666 or 900-999,
/// group 00 or serial 0000 (SSA POMS RM 10201.060), so those are rejected. The dashed form stands on its
/// own; the space-delimited and undelimited forms (which look like any 9-digit id) need a context keyword
/// such as "SSN" or "social security" just before. Mixed delimiters (123-45 6789) are not an SSN.
/// </summary>
internal sealed class SsnDetector : Detector
{
    private static readonly SearchValues<string> Context = SearchValues.Create(
        ["ssn", "social security", "social sec", "soc sec", "ss#", "ss #", "ss no", "ss num"], StringComparison.OrdinalIgnoreCase);

    public override string Name => "ssn-ranges";

    public override string EntityType => EntityTypes.Ssn;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 11;

    public override int MinDigits => 9;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (index > 0 && (char.IsLetterOrDigit(text[index - 1]) || text[index - 1] is '-' or '.' or '/' or '+' or '_'))
        {
            return false;
        }

        int area, group, serial, end;
        var first = TextRules.ReadDigits(text, index, 9, out var firstValue);
        bool needsContext;
        if (first == 3 && index + 3 < text.Length && text[index + 3] is '-' or ' ')
        {
            var delimiter = text[index + 3];
            if (TextRules.ReadDigits(text, index + 4, 2, out group) != 2
                || index + 6 >= text.Length || text[index + 6] != delimiter
                || TextRules.ReadDigits(text, index + 7, 4, out serial) != 4)
            {
                return false;
            }

            area = firstValue;
            end = index + 11;
            needsContext = delimiter == ' ';
        }
        else if (first == 9)
        {
            area = firstValue / 1_000_000;
            group = firstValue / 10_000 % 100;
            serial = firstValue % 10_000;
            end = index + 9;
            needsContext = true;
        }
        else
        {
            return false;
        }

        // Followed by more of a number (123-45-6789-01, 123-45-6789.5) means it is something else.
        if (TextRules.IsAlnumAt(text, end) || (end + 1 < text.Length && text[end] is '-' or '.' or '/' && char.IsAsciiDigit(text[end + 1])))
        {
            return false;
        }

        if (area is 0 or 666 or >= 900 || group == 0 || serial == 0)
        {
            return false;
        }

        if (needsContext && !TextRules.HasContextBefore(text, index, Context))
        {
            return false;
        }

        length = end - index;
        return true;
    }
}
