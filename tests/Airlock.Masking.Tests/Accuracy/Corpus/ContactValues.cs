using System.Net;

namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>Personal contact data: emails, phone numbers, IP addresses, dates of birth.</summary>
internal static class ContactValues
{
    private static readonly string[] FirstNames = ["anna", "ben", "chloe", "diego", "emma", "farid", "grace", "hiro", "ines", "jonas", "kemal", "lena", "maria", "noah", "olga", "priya"];
    private static readonly string[] LastNames = ["smith", "garcia", "mueller", "rossi", "kowalski", "tanaka", "okafor", "dubois", "silva", "nguyen", "johansson", "patel"];
    private static readonly string[] Domains = ["gmail", "outlook", "acme-corp", "example", "mail.globex", "uni-heidelberg", "contoso", "yahoo", "proton", "fastmail", "initech", "hooli"];
    private static readonly string[] Tlds = ["com", "com", "com", "org", "net", "io", "de", "fr", "co.uk", "com.au", "nl", "ch", "dev", "ai", "app", "se", "jp", "in", "com.br", "es", "it", "ca", "us"];

    /// <summary>(country code, national number digit groups) in each country's usual print grouping.</summary>
    private static readonly (string Code, int[] Groups)[] Countries =
    [
        ("1", [3, 3, 4]), ("44", [2, 4, 4]), ("44", [4, 6]), ("49", [2, 8]), ("49", [3, 7]), ("33", [1, 2, 2, 2, 2]), ("61", [1, 4, 4]),
        ("91", [5, 5]), ("81", [2, 4, 4]), ("34", [3, 3, 3]), ("39", [3, 3, 4]), ("31", [2, 3, 4]), ("55", [2, 5, 4]), ("353", [2, 3, 4]),
    ];

    public static string Email(CorpusRandom r)
    {
        var first = r.Pick(FirstNames);
        var last = r.Pick(LastNames);
        var local = r.Next(6) switch
        {
            0 => $"{first}.{last}",
            1 => $"{first}_{last}{r.Next(1, 99)}",
            2 => $"{first[0]}{last}",
            3 => $"{first}+{r.Pick(["billing", "test", "news", "github"])}",
            4 => $"{first}.{last}-{r.Next(10, 9999)}",
            _ => $"{first}{r.Next(1970, 2010)}",
        };
        return $"{local}@{r.Pick(Domains)}.{r.Pick(Tlds)}";
    }

    /// <summary>An E.164 number with its '+': compact, or grouped by spaces, dashes or dots, or "+1 (415) 555-2671".</summary>
    public static string PhoneInternational(CorpusRandom r)
    {
        var (code, groups) = r.Pick(Countries);
        var parts = groups.Select((g, i) => (i == 0 ? (char)('1' + r.Next(9)) + r.DigitString(g - 1) : r.DigitString(g))).ToArray();
        return r.Next(6) switch
        {
            0 => $"+{code}{string.Concat(parts)}",
            1 or 2 => $"+{code} {string.Join(' ', parts)}",
            3 => $"+{code}-{string.Join('-', parts)}",
            4 when code == "1" => $"+1 ({parts[0]}) {parts[1]}-{parts[2]}",
            4 => $"+{code} {parts[0]}-{string.Join('-', parts[1..])}",
            _ => $"+{code}.{string.Join('.', parts)}",
        };
    }

    /// <summary>A national-format number, as people write it after "phone:" or "tel".</summary>
    public static string PhoneNational(CorpusRandom r)
    {
        var area = (char)('2' + r.Next(8)) + r.DigitString(2);
        var exchange = (char)('2' + r.Next(8)) + r.DigitString(2);
        var line = r.DigitString(4);
        return r.Next(7) switch
        {
            0 => $"({area}) {exchange}-{line}",
            1 => $"{area}-{exchange}-{line}",
            2 => $"{area}.{exchange}.{line}",
            3 => $"0{r.Next(20, 99)} {r.DigitString(4)} {r.DigitString(4)}",      // UK
            4 => $"0{r.Next(30, 899)} {r.DigitString(7)}",                     // Germany
            5 => $"0{r.Next(1, 9)} {r.DigitString(2)} {r.DigitString(2)} {r.DigitString(2)} {r.DigitString(2)}", // France
            _ => $"{area}{exchange}{line}",
        };
    }

    public static string Ipv4(CorpusRandom r) => r.Next(4) switch
    {
        0 => $"10.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}",
        1 => $"192.168.{r.Next(256)}.{r.Next(1, 255)}",
        2 => $"172.{r.Next(16, 32)}.{r.Next(256)}.{r.Next(1, 255)}",
        _ => $"{r.Next(1, 224)}.{r.Next(256)}.{r.Next(256)}.{r.Next(1, 255)}",
    };

    /// <summary>An IPv6 address: global or link-local, compressed (RFC 5952), full, or upper case.</summary>
    public static string Ipv6(CorpusRandom r)
    {
        var groups = new ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = (ushort)r.Next(0x10000);
        }

        if (r.Chance(0.3))
        {
            groups = [0xfe80, 0, 0, 0, groups[4], groups[5], groups[6], groups[7]];
        }
        else
        {
            groups[0] = (ushort)r.Pick([0x2001, 0x2a00, 0x2600, 0x2a02, 0x2c0f]);
            if (r.Chance(0.5))
            {
                // A run of zeros for "::" to compress, as in 2001:db8::8a2e:370:7334.
                var at = r.Next(2, 6);
                for (var i = at; i < at + r.Next(1, 3); i++)
                {
                    groups[i] = 0;
                }
            }
        }

        var bytes = groups.SelectMany(g => new[] { (byte)(g >> 8), (byte)g }).ToArray();
        var address = new IPAddress(bytes);
        return r.Next(4) switch
        {
            0 => string.Join(':', groups.Select(g => g.ToString("x4"))),
            1 => address.ToString().ToUpperInvariant(),
            _ => address.ToString(),
        };
    }

    /// <summary>A birth date between 1930 and 2006 in one of the shapes forms and exports use.</summary>
    public static string DateOfBirth(CorpusRandom r)
    {
        var date = new DateTime(1930, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(r.Next(0, 76 * 365));
        return date.ToString(r.Next(6) switch
        {
            0 or 1 => "yyyy-MM-dd",
            2 => "dd/MM/yyyy",
            3 => "MM/dd/yyyy",
            4 => "dd.MM.yyyy",
            _ => "yyyy/MM/dd",
        });
    }
}
