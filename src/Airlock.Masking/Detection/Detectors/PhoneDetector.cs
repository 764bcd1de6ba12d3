using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Telephone numbers. With a leading '+' (E.164, ITU-T E.164 §6: at most 15 digits, country code not
/// starting with 0) a number of 10 to 15 digits stands on its own. Anything else (national formats such
/// as (415) 555-2671, 020 7946 0958, or 8 and 9 digit international numbers) needs a context keyword like
/// "phone", "tel" or "mobile" just before. Groups are split by single spaces, dashes or dots, or an area
/// code in parentheses; a date shape (2024-01-15, 15.01.2024) is never a phone number.
/// </summary>
internal sealed class PhoneDetector : Detector
{
    private static readonly SearchValues<string> Context = SearchValues.Create(
        ["phone", "tel", "mobile", "cell", "fax", "call", "contact", "sms", "whatsapp", "msisdn", "dial"], StringComparison.OrdinalIgnoreCase);

    public override string Name => "phone-e164-context";

    public override string EntityType => EntityTypes.Phone;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 24;

    public override int MinDigits => 7;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        var before = index > 0 ? text[index - 1] : ' ';
        var international = before == '+';
        var parenthesized = before == '(';
        var from = international || parenthesized ? index - 1 : index;
        if (TextRules.IsAlnumAt(text, from - 1) || (!international && !parenthesized && before is '.' or '-' or '/' or '_' or ':' or '$' or '#')
            || (from > 0 && text[from - 1] is '+' or '.' or '-' or '/'))
        {
            return false;
        }

        // Fast reject, before any walking: outside '+1 …' a number's first group (area code, trunk
        // prefix) has at least two digits, and a lone run must be a whole number of 7 to 12 digits.
        var firstRun = TextRules.ReadDigits(text, index, 15, out _);
        if (!international && (firstRun < 2 || (!parenthesized && firstRun < 7 && !IsGroupSeparatorAt(text, index + firstRun))))
        {
            return false;
        }

        // The ISO date that starts nearly every log line (2024-05-14) is never a phone number: say so
        // before walking its groups.
        if (!international && firstRun == 4 && index + 7 < text.Length && text[index + 4] == '-' && text[index + 7] == '-')
        {
            return false;
        }

        var digits = 0;
        var groups = 0;
        var separator = '\0';
        var i = index;
        var end = index;
        Span<byte> groupLengths = stackalloc byte[8];
        Span<int> groupEnds = stackalloc int[8];
        Span<char> groupSeparators = stackalloc char[8];
        while (i < text.Length)
        {
            var run = TextRules.ReadDigits(text, i, 15, out _);
            if (run == 0 || digits + run > 15 || groups == groupLengths.Length)
            {
                break; // the number ended before this group: what came after belongs to something else
            }

            groupLengths[groups] = (byte)run;
            digits += run;
            i += run;
            end = i;
            groupEnds[groups] = end;
            groupSeparators[groups] = separator;
            groups++;
            if (parenthesized && groups == 1)
            {
                // (415) 555-2671: the area code closes its parenthesis, then one space or none.
                if (i >= text.Length || text[i] != ')')
                {
                    return false;
                }

                i++;
                end = i;
                if (i < text.Length && text[i] == ' ')
                {
                    i++;
                }

                if (i >= text.Length || !char.IsAsciiDigit(text[i]))
                {
                    return false;
                }

                continue;
            }

            if (i + 1 < text.Length && text[i] is ' ' or '-' or '.' && char.IsAsciiDigit(text[i + 1]) && (separator == '\0' || separator == ' ' || separator == text[i] || text[i] == ' '))
            {
                if (separator == '\0' || separator == ' ')
                {
                    separator = text[i];
                }

                i++;
                continue;
            }

            break;
        }

        if (groups == 0 || (international && text[index] == '0'))
        {
            return false;
        }

        // The longest run of groups that makes a phone number wins: "+33 7 92 47 86 56 2023-03-30" is a
        // number followed by a date, not one invalid number.
        var context = -1;
        for (var count = groups; count > 0; count--)
        {
            end = groupEnds[count - 1];
            separator = groupSeparators[count - 1];
            digits = 0;
            foreach (var g in groupLengths[..count])
            {
                digits += g;
            }

            if (TextRules.IsAlnumAt(text, end) || (end + 1 < text.Length && text[end] is '.' or '-' or ':' or '/' && char.IsAsciiDigit(text[end + 1]))
                || LooksLikeDate(groupLengths[..count], separator) || LooksLikeIpv4(groupLengths[..count], separator))
            {
                continue;
            }

            // Shape first, context last: the look-back is the most expensive step, so it runs once.
            if (international && digits >= 10)
            {
                start = from;
                length = end - from;
                return true;
            }

            // The North American shape (NANP: area code and exchange start with 2-9) is a phone number
            // on its own: (415) 555-2671, 415-555-2671, 415.555.2671. Prose rarely names it ("my number is …").
            if (!international && IsNanp(text, index, groupLengths[..count], separator, parenthesized))
            {
                start = from;
                length = end - from;
                return true;
            }

            var shapeOk = international ? digits >= 8 : digits is >= 7 and <= 12 && (count > 1 || digits == 10);
            if (shapeOk && (context < 0 ? context = TextRules.HasContextBefore(text, from, Context) ? 1 : 0 : context) == 1)
            {
                start = from;
                length = end - from;
                return true;
            }
        }

        return false;
    }

    private static bool IsNanp(ReadOnlySpan<char> text, int index, ReadOnlySpan<byte> groups, char separator, bool parenthesized)
    {
        if (groups.Length != 3 || groups[0] != 3 || groups[1] != 3 || groups[2] != 4 || text[index] is '0' or '1')
        {
            return false;
        }

        var exchange = index + 3 + (parenthesized ? 1 : 0);
        while (exchange < text.Length && !char.IsAsciiDigit(text[exchange]))
        {
            exchange++;
        }

        return exchange < text.Length && text[exchange] is not ('0' or '1') && (parenthesized || separator is '-' or '.');
    }

    /// <summary>Four dotted groups of one to three digits are an IPv4 address, not a phone number.</summary>
    private static bool LooksLikeIpv4(ReadOnlySpan<byte> groups, char separator) =>
        separator == '.' && groups.Length == 4 && groups[0] <= 3 && groups[1] <= 3 && groups[2] <= 3 && groups[3] <= 3;

    private static bool IsGroupSeparatorAt(ReadOnlySpan<char> text, int i) =>
        i + 1 < text.Length && text[i] is ' ' or '-' or '.' && char.IsAsciiDigit(text[i + 1]);

    /// <summary>4-2-2 or 2-2-4 groups (dates), and 2-2-2 (times) are never phone numbers.</summary>
    private static bool LooksLikeDate(ReadOnlySpan<byte> groups, char separator)
    {
        if (separator == ' ' || groups.Length != 3)
        {
            return false;
        }

        return (groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2) || (groups[0] <= 2 && groups[1] <= 2 && groups[2] == 4)
            || (groups[0] == 2 && groups[1] == 2 && groups[2] == 2);
    }
}
