using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Dates of birth. A date alone is not personal data (logs are full of them), so this only matches when a
/// birth keyword ("DOB", "date of birth", "born", "birthday") appears just before. Accepted shapes are
/// YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY and DD-MM-YYYY, with a real month and day
/// and a year between 1900 and 2099.
/// </summary>
internal sealed class DateOfBirthDetector : Detector
{
    private static readonly SearchValues<string> Context = SearchValues.Create(
        ["dob", "d.o.b", "birth", "born"], StringComparison.OrdinalIgnoreCase);

    public override string Name => "dob-context";

    public override string EntityType => EntityTypes.DateOfBirth;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 10;

    public override int MinDigits => 4;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (TextRules.IsAlnumAt(text, index - 1))
        {
            return false;
        }

        var first = TextRules.ReadDigits(text, index, 4, out var a);
        if (first is not (1 or 2 or 4) || index + first + 1 >= text.Length)
        {
            return false;
        }

        var separator = text[index + first];
        if (separator is not ('-' or '/' or '.'))
        {
            return false;
        }

        var i = index + first + 1;
        var second = TextRules.ReadDigits(text, i, 4, out var b);
        if (second is not (1 or 2) || i + second >= text.Length || text[i + second] != separator)
        {
            return false;
        }

        i += second + 1;
        var third = TextRules.ReadDigits(text, i, 4, out var c);
        bool valid;
        if (first == 4)
        {
            valid = third is 1 or 2 && IsDate(a, b, c);
        }
        else
        {
            valid = third == 4 && (IsDate(c, b, a) || IsDate(c, a, b));
        }

        i += third;
        if (!valid || TextRules.IsAlnumAt(text, i) || (i + 1 < text.Length && text[i] == separator && char.IsAsciiDigit(text[i + 1])))
        {
            return false;
        }

        if (!TextRules.HasContextBefore(text, index, Context, nearest: true))
        {
            return false;
        }

        length = i - index;
        return true;
    }

    private static bool IsDate(int year, int month, int day) =>
        year is >= 1900 and <= 2099 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);
}
