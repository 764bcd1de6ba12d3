namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// International bank account numbers (ISO 13616): a country code, two check digits and the national
/// account number, either compact or printed in groups of four. The length must be the one registered
/// for the country and the whole number must pass the mod-97 check (remainder 1). The scanner triggers
/// digit detectors at the check digits, so this looks back two letters for the country code; that keeps
/// it on the digit path instead of a keyword scan over every pair of capital letters.
/// </summary>
internal sealed class IbanDetector : Detector
{
    // Lengths from the SWIFT IBAN registry (release 99, 2024).
    private const string Registry =
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 DK18 DO28 EE20 EG29 ES24 "
        + "FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HN28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 "
        + "LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 "
        + "RS22 RU33 SA24 SC31 SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30";

    private static readonly byte[] Lengths = BuildLengths();

    public override string Name => "iban-mod97";

    public override string EntityType => EntityTypes.Iban;

    public override DetectorTrigger Trigger => DetectorTrigger.Digit;

    public override int MaxLength => 42; // 34 chars plus a space every four

    public override bool AllowsLetterBefore => true;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (index < 2 || !char.IsAsciiLetterUpper(text[index - 1]) || !char.IsAsciiLetterUpper(text[index - 2])
            || TextRules.IsAlnumAt(text, index - 3) || index + 1 >= text.Length || !char.IsAsciiDigit(text[index + 1]))
        {
            return false;
        }

        var expected = Lengths[((text[index - 2] - 'A') * 26) + (text[index - 1] - 'A')];
        if (expected == 0)
        {
            return false;
        }

        // Rearranged for mod 97: the account number first, then country code and check digits.
        var spaced = index + 2 < text.Length && text[index + 2] == ' ';
        var i = index + 2;
        var remainder = 0;
        for (var count = 4; count < expected; count++)
        {
            if (count % 4 == 0 && spaced)
            {
                if (i >= text.Length || text[i] != ' ')
                {
                    return false;
                }

                i++;
            }

            if (i >= text.Length)
            {
                return false;
            }

            var c = text[i++];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        if (TextRules.IsAlnumAt(text, i))
        {
            return false;
        }

        remainder = ((remainder * 100) + (text[index - 2] - 'A' + 10)) % 97;
        remainder = ((remainder * 100) + (text[index - 1] - 'A' + 10)) % 97;
        remainder = ((remainder * 100) + ((text[index] - '0') * 10) + (text[index + 1] - '0')) % 97;
        if (remainder != 1)
        {
            return false;
        }

        start = index - 2;
        length = i - start;
        return true;
    }

    private static byte[] BuildLengths()
    {
        var lengths = new byte[26 * 26];
        foreach (var entry in Registry.Split(' '))
        {
            lengths[((entry[0] - 'A') * 26) + (entry[1] - 'A')] = byte.Parse(entry.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
        }

        return lengths;
    }
}
