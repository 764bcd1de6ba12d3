using System.Text;

namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>Bank and identity numbers with valid checksums: cards, IBANs, ABA routing numbers, SSNs.</summary>
internal static class FinancialValues
{
    /// <summary>Issuer ranges (ISO/IEC 7812 IINs as the networks publish them) and the lengths each issues.</summary>
    private static readonly (string Name, Func<CorpusRandom, string> Prefix, int[] Lengths)[] Issuers =
    [
        ("visa", _ => "4", [16, 16, 16, 13, 19]),
        ("mastercard", r => (51 + r.Next(5)).ToString(), [16]),
        ("mastercard-2", r => (2221 + r.Next(500)).ToString(), [16]),
        ("amex", r => r.Pick(["34", "37"]), [15]),
        ("discover", r => r.Pick(["6011", "65", (644 + r.Next(6)).ToString()]), [16]),
        ("jcb", r => (3528 + r.Next(62)).ToString(), [16]),
        ("diners", r => r.Pick(["36", (300 + r.Next(6)).ToString()]), [14]),
        ("unionpay", _ => "62", [16, 19]),
        ("maestro", r => r.Pick(["5018", "5020", "5038", "6304", "6759", "6761"]), [16, 19]),
    ];

    /// <summary>
    /// IBAN country formats from the SWIFT IBAN registry: n digits, a upper-case letters, c upper-case
    /// letters or digits. The registered total length is 4 + the BBAN's.
    /// </summary>
    private static readonly (string Country, string Bban)[] IbanFormats =
    [
        ("AD", "8n12c"), ("AE", "19n"), ("AT", "16n"), ("BE", "12n"), ("BG", "4a6n8c"), ("BR", "23n1a1c"), ("CH", "5n12c"),
        ("CY", "8n16c"), ("CZ", "20n"), ("DE", "18n"), ("DK", "14n"), ("EE", "16n"), ("ES", "20n"), ("FI", "14n"),
        ("FR", "10n11c2n"), ("GB", "4a14n"), ("GR", "7n16c"), ("HR", "17n"), ("HU", "24n"), ("IE", "4a14n"), ("IL", "19n"),
        ("IS", "22n"), ("IT", "1a10n12c"), ("KW", "4a22c"), ("LI", "5n12c"), ("LT", "16n"), ("LU", "3n13c"), ("LV", "4a13c"),
        ("MT", "4a5n18c"), ("MU", "4a19n3a"), ("NL", "4a10n"), ("NO", "11n"), ("PL", "24n"), ("PT", "21n"), ("QA", "4a21c"),
        ("RO", "4a16c"), ("SA", "2n18c"), ("SE", "20n"), ("SI", "15n"), ("SK", "20n"), ("TR", "6n16c"), ("UA", "6n19c"),
    ];

    private static readonly string[] AbaDistricts = BuildDistricts();

    /// <summary>A Luhn-valid card in a real issuer range, plain or grouped by spaces or dashes.</summary>
    public static string Card(CorpusRandom r)
    {
        var (name, prefix, lengths) = r.Pick(Issuers);
        var length = r.Pick(lengths);
        var payload = prefix(r);
        payload += r.DigitString(length - 1 - payload.Length);
        var number = payload + Checksums.LuhnCheckDigit(payload);
        var separator = r.Next(3) switch { 0 => "", 1 => " ", _ => "-" };
        if (separator.Length == 0)
        {
            return number;
        }

        // Amex prints 4-6-5, Diners 4-6-4; the rest in fours.
        int[] groups = name is "amex" or "diners" ? [4, 6, length - 10] : [.. Enumerable.Repeat(4, length / 4), .. length % 4 == 0 ? Array.Empty<int>() : [length % 4]];
        var builder = new StringBuilder();
        var at = 0;
        foreach (var g in groups)
        {
            builder.Append(builder.Length == 0 ? "" : separator).Append(number, at, g);
            at += g;
        }

        return builder.ToString();
    }

    /// <summary>An IBAN with the registered length and correct check digits, compact or printed in fours.</summary>
    public static string Iban(CorpusRandom r)
    {
        var (country, format) = r.Pick(IbanFormats);
        var bban = new StringBuilder();
        var count = 0;
        foreach (var c in format)
        {
            if (char.IsAsciiDigit(c))
            {
                count = (count * 10) + (c - '0');
                continue;
            }

            bban.Append(r.Chars(c switch { 'n' => CorpusRandom.Digits, 'a' => CorpusRandom.Upper, _ => CorpusRandom.Upper + CorpusRandom.Digits }, count));
            count = 0;
        }

        var compact = country + Checksums.IbanCheckDigits(country, bban.ToString()) + bban;
        return r.Chance(0.5) ? compact : string.Join(' ', compact.Chunk(4).Select(chunk => new string(chunk)));
    }

    /// <summary>An ABA routing number: a Federal Reserve district prefix, six digits, the 3-7-1 check digit.</summary>
    public static string AbaRouting(CorpusRandom r)
    {
        var eight = r.Pick(AbaDistricts) + r.DigitString(6);
        return eight + Checksums.AbaCheckDigit(eight);
    }

    /// <summary>An SSN the SSA could issue: area 001-899 but not 666, group 01-99, serial 0001-9999.</summary>
    public static (int Area, int Group, int Serial) Ssn(CorpusRandom r)
    {
        var area = r.Next(1, 899);
        if (area == 666)
        {
            area = 665;
        }

        return (area, r.Next(1, 100), r.Next(1, 10_000));
    }

    public static string SsnDashed(CorpusRandom r) => Ssn(r) is var (a, g, s) ? $"{a:000}-{g:00}-{s:0000}" : "";

    public static string SsnSpaced(CorpusRandom r) => Ssn(r) is var (a, g, s) ? $"{a:000} {g:00} {s:0000}" : "";

    public static string SsnPlain(CorpusRandom r) => Ssn(r) is var (a, g, s) ? $"{a:000}{g:00}{s:0000}" : "";

    private static string[] BuildDistricts()
    {
        // Federal Reserve routing symbols: 01-12 (banks), 21-32 (thrifts), 61-72 (electronic), 80 (travellers' cheques).
        IEnumerable<int> ranges = [.. Enumerable.Range(1, 12), .. Enumerable.Range(21, 12), .. Enumerable.Range(61, 12), 80];
        return [.. ranges.Select(p => p.ToString("00"))];
    }
}
