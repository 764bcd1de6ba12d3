namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// The checksums the corpus generates with, written here independently of the detectors so the corpus
/// does not inherit a detector's mistake: Luhn (ISO/IEC 7812-1), IBAN mod 97 (ISO 13616 / ISO 7064),
/// and the ABA routing number's 3-7-1 weights.
/// </summary>
internal static class Checksums
{
    /// <summary>The digit that makes <paramref name="payload"/> + digit pass Luhn.</summary>
    public static int LuhnCheckDigit(string payload)
    {
        var sum = 0;
        var doubled = true; // the payload's last digit is doubled once the check digit follows it
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var d = payload[i] - '0';
            if (doubled)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
            doubled = !doubled;
        }

        return (10 - (sum % 10)) % 10;
    }

    public static bool IsLuhnValid(string digits) =>
        digits.Length > 1 && LuhnCheckDigit(digits[..^1]) == digits[^1] - '0';

    /// <summary>The remainder mod 97 of an IBAN-style string, letters counting A=10 … Z=35.</summary>
    public static int Mod97(string text)
    {
        var remainder = 0;
        foreach (var c in text)
        {
            remainder = char.IsAsciiDigit(c) ? ((remainder * 10) + (c - '0')) % 97 : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return remainder;
    }

    /// <summary>Two check digits for a country and BBAN: 98 minus (BBAN + country + "00") mod 97.</summary>
    public static string IbanCheckDigits(string country, string bban) =>
        (98 - Mod97(bban + country + "00")).ToString("00");

    public static bool IsIbanValid(string compact) =>
        compact.Length > 4 && Mod97(compact[4..] + compact[..4]) == 1;

    public static int AbaCheckDigit(string eight)
    {
        int[] weights = [3, 7, 1, 3, 7, 1, 3, 7];
        var sum = 0;
        for (var i = 0; i < 8; i++)
        {
            sum += weights[i] * (eight[i] - '0');
        }

        return (10 - (sum % 10)) % 10;
    }

    public static bool IsAbaValid(string nine) => nine.Length == 9 && AbaCheckDigit(nine[..8]) == nine[8] - '0';
}
