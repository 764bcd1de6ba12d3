namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Payment card numbers: 13 to 19 digits, optionally grouped by one consistent separator (space or dash),
/// in an issuer range that exists (IIN), passing the Luhn check (ISO/IEC 7812-1). A digit or letter
/// directly before or after means the digits belong to something longer, such as an id or a hash.
/// </summary>
internal sealed class PaymentCardDetector : Detector
{
    public override string Name => "card-luhn";

    public override string EntityType => EntityTypes.Card;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 23;

    public override int MinDigits => 12;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (index > 0 && char.IsLetterOrDigit(text[index - 1]))
        {
            return false;
        }

        Span<byte> digits = stackalloc byte[19];
        var count = 0;
        var separator = '\0';
        var i = index;
        var lastDigitEnd = index;
        while (i < text.Length && count < 20)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                if (count == 19)
                {
                    return false; // too long to be a card
                }

                digits[count++] = (byte)(c - '0');
                i++;
                lastDigitEnd = i;
            }
            else if ((c is ' ' or '-') && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]) && (separator == '\0' || separator == c))
            {
                separator = c;
                i++;
            }
            else
            {
                break;
            }
        }

        if (count < 13 || (lastDigitEnd < text.Length && char.IsLetterOrDigit(text[lastDigitEnd])))
        {
            return false;
        }

        var number = digits[..count];
        if (!IsKnownIssuer(number) || !Luhn(number))
        {
            return false;
        }

        length = lastDigitEnd - index;
        return true;
    }

    /// <summary>The Luhn mod-10 check: double every second digit from the right.</summary>
    internal static bool Luhn(ReadOnlySpan<byte> digits)
    {
        var sum = 0;
        var doubled = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubled)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubled = !doubled;
        }

        return sum % 10 == 0;
    }

    /// <summary>Issuer ranges in use (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro) with their lengths.</summary>
    private static bool IsKnownIssuer(ReadOnlySpan<byte> d)
    {
        var n = d.Length;
        var p2 = (d[0] * 10) + d[1];
        var p3 = (p2 * 10) + d[2];
        var p4 = (p3 * 10) + d[3];
        var p6 = (((p4 * 10) + d[4]) * 10) + d[5];
        return d[0] switch
        {
            4 => n is 13 or 16 or 19,                                                       // Visa
            5 => (p2 is >= 51 and <= 55 && n == 16) || (p2 is 50 or (>= 56 and <= 58) && n is >= 12 and <= 19), // Mastercard, Maestro
            2 => p4 is >= 2221 and <= 2720 && n == 16,                                      // Mastercard 2-series
            3 => (p2 is 34 or 37 && n == 15)                                                 // Amex
                 || (p4 is >= 3528 and <= 3589 && n is >= 16 and <= 19)                      // JCB
                 || ((p3 is >= 300 and <= 305 || p2 is 36 or 38 or 39) && n is >= 14 and <= 19), // Diners
            6 => ((p4 == 6011 || p2 == 65 || p3 is >= 644 and <= 649 || p6 is >= 622126 and <= 622925) && n is >= 16 and <= 19) // Discover
                 || (p2 == 62 && n is >= 16 and <= 19)                                       // UnionPay
                 || (p2 is 63 or 67 && n is >= 12 and <= 19),                                // Maestro
            _ => false,
        };
    }
}
