using System.Globalization;

namespace Airlock.Pipeline;

/// <summary>
/// Reads a millisecond timeout setting as the server does (parse_int and convert_to_base_unit in guc.c): a
/// number, optionally fractional, then an optional unit (us, ms, s, min, h, d; case-sensitive), with spaces
/// around; no unit means milliseconds; the result is rounded to a whole millisecond (rint). So '400us' and
/// '0.4' are 0, which switches the timeout off: the caller compares the rounded value. Anything else the
/// server might accept (hex, octal) is not read here, and is refused by the caller.
/// </summary>
internal static class TimeoutValue
{
    public static long? Milliseconds(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var s = text.Trim();
        var end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] is '.' or '-' or '+' || (s[end] is 'e' or 'E' && end > 0 && end + 1 < s.Length && (char.IsAsciiDigit(s[end + 1]) || s[end + 1] is '-' or '+'))))
        {
            end++;
        }

        if (end == 0 || !double.TryParse(s.AsSpan(0, end), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number))
        {
            return null;
        }

        // An integer with a leading zero is octal to strtol (base 0): not read here.
        var digits = s.AsSpan(0, end).TrimStart("+-");
        if (digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1]) && !digits.ContainsAny(".eE"))
        {
            return null;
        }

        double? factor = s[end..].Trim() switch
        {
            "" or "ms" => 1,
            "us" => 0.001,
            "s" => 1000,
            "min" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => null,
        };
        if (factor is not { } f || double.IsNaN(number) || double.IsInfinity(number))
        {
            return null;
        }

        var ms = Math.Round(number * f, MidpointRounding.ToEven);
        return ms > long.MaxValue / 2 ? long.MaxValue / 2 : ms < long.MinValue / 2 ? long.MinValue / 2 : (long)ms;
    }
}
