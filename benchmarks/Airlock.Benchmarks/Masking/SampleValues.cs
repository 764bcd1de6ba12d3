using System.Text;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// Valid-looking sensitive values, drawn from a seeded <see cref="Random"/> so every run plants the same
/// ones: Luhn-valid cards in real issuer ranges, SSNs in issued ranges, mod-97-valid IBANs, JWTs whose
/// parts decode to JSON, vendor tokens with random bodies. Each is what a detector is meant to find.
/// </summary>
internal sealed class SampleValues(Random random)
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string Hex = "0123456789abcdef";

    private static readonly string[] FirstNames = ["anna", "ben", "carla", "david", "elena", "felix", "grace", "hugo", "ines", "jonas", "kim", "lena", "marco", "nora", "oscar", "paula", "quinn", "rosa", "sam", "tara"];
    private static readonly string[] LastNames = ["schmidt", "garcia", "nguyen", "smith", "rossi", "kowalski", "dubois", "tanaka", "oconnor", "silva", "jensen", "novak", "weber", "khan", "murphy"];
    private static readonly string[] Domains = ["example.com", "acme-corp.io", "mail.example.org", "gmail.com", "outlook.com", "company.co.uk", "shop.example.de", "uni-hamburg.de", "fastmail.fm", "proton.me"];
    private static readonly string[] UsAreaCodes = ["415", "212", "646", "312", "617", "202", "303", "512", "206", "305", "718", "917"];

    public Random Random => random;

    public int Next(int min, int max) => random.Next(min, max);

    /// <summary>0 to <paramref name="max"/> - 1.</summary>
    public int Next(int max) => random.Next(max);

    public T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    public string Digits(int count) => Chars("0123456789", count);

    public string Chars(string alphabet, int count) => string.Create(count, (alphabet, random), static (span, state) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = state.alphabet[state.random.Next(state.alphabet.Length)];
        }
    });

    public string Name() => $"{char.ToUpperInvariant(Pick(FirstNames)[0])}{Pick(FirstNames)[1..]} {char.ToUpperInvariant(Pick(LastNames)[0])}{Pick(LastNames)[1..]}";

    public string Email()
    {
        var first = Pick(FirstNames);
        var last = Pick(LastNames);
        var local = random.Next(5) switch
        {
            0 => $"{first}.{last}",
            1 => $"{first[0]}{last}{random.Next(1, 99)}",
            2 => $"{first}+orders",
            3 => $"{first}_{last}",
            _ => $"{last}.{first}{random.Next(1970, 2005)}",
        };
        return $"{local}@{Pick(Domains)}";
    }

    /// <summary>A Luhn-valid card in a Visa, Mastercard or Amex range, printed plain, with spaces or with dashes.</summary>
    public string Card()
    {
        var (prefix, length) = random.Next(4) switch
        {
            0 => ("4", 16),
            1 => ("5" + random.Next(1, 6), 16),
            2 => ("2" + random.Next(221, 721), 16),
            _ => (random.Next(2) == 0 ? "34" : "37", 15),
        };
        var body = prefix + Digits(length - prefix.Length - 1);
        var digits = body + LuhnDigit(body);
        var separator = random.Next(3) switch { 0 => "", 1 => " ", _ => "-" };
        if (separator.Length == 0)
        {
            return digits;
        }

        return length == 15
            ? string.Join(separator, digits[..4], digits[4..10], digits[10..])
            : string.Join(separator, digits[..4], digits[4..8], digits[8..12], digits[12..]);
    }

    /// <summary>AAA-GG-SSSS with an area the SSA issues (not 000, 666 or 900-999) and nonzero group and serial.</summary>
    public string Ssn()
    {
        var area = random.Next(1, 900);
        area = area == 666 ? 667 : area;
        return $"{area:D3}-{random.Next(1, 100):D2}-{random.Next(1, 10000):D4}";
    }

    /// <summary>E.164 (+14155552671), a US national form, or a UK number with spaces.</summary>
    public string Phone(out bool international)
    {
        var area = Pick(UsAreaCodes);
        var exchange = random.Next(200, 1000);
        var line = random.Next(0, 10000);
        international = true;
        switch (random.Next(5))
        {
            case 0:
                return $"+1{area}{exchange}{line:D4}";
            case 1:
                return $"+1 {area} {exchange} {line:D4}";
            case 2:
                return $"+44 20 {random.Next(7000, 8000)} {line:D4}";
            case 3:
                international = false;
                return $"({area}) {exchange}-{line:D4}";
            default:
                international = false;
                return $"{area}-{exchange}-{line:D4}";
        }
    }

    public string Ipv4() => random.Next(4) switch
    {
        0 => $"10.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}",
        1 => $"192.168.{random.Next(256)}.{random.Next(1, 255)}",
        2 => $"203.0.113.{random.Next(1, 255)}",
        _ => $"{random.Next(11, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}",
    };

    public string Ipv6() => random.Next(2) == 0
        ? $"2001:db8:{random.Next(1, 0xffff):x}::{random.Next(1, 0xffff):x}:{random.Next(1, 0xffff):x}"
        : $"fe80::{random.Next(1, 0xffff):x}:{random.Next(1, 0xffff):x}:{random.Next(1, 0xffff):x}:{random.Next(1, 0xffff):x}";

    public string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0f) | 0x40); // version 4 (Guid's byte order puts it in byte 7)
        bytes[8] = (byte)((bytes[8] & 0x3f) | 0x80);
        return new Guid(bytes).ToString("D");
    }

    public string Hex32() => Chars(Hex, 32);

    public string AwsAccessKey() => "AKIA" + Chars(Base32, 16);

    public string GithubToken() => "ghp_" + Chars(Alphanumeric, 36);

    public string StripeKey() => "sk_live_" + Chars(Alphanumeric, 24 + random.Next(0, 76));

    public string SlackToken() => $"xoxb-{Digits(11)}-{Digits(13)}-{Chars(Alphanumeric, 24)}";

    public string GoogleApiKey() => "AIza" + Chars(Alphanumeric + "_-", 35);

    public string BearerToken() => Chars(Alphanumeric + "-._~", 40);

    public string Jwt()
    {
        var header = Base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        var payload = Base64Url($"{{\"sub\":\"user-{random.Next(100000, 999999)}\",\"iat\":{1715600000 + random.Next(100000)},\"scope\":\"orders:read\"}}");
        return $"{header}.{payload}.{Chars(Alphanumeric + "-_", 43)}";
    }

    /// <summary>A GB IBAN (22 chars) with mod-97 check digits computed per ISO 13616, printed compact or in groups of four.</summary>
    public string Iban()
    {
        var bban = "NWBK" + Digits(14);
        var check = 98 - Mod97(bban + "GB00");
        var iban = $"GB{check:D2}{bban}";
        return random.Next(2) == 0 ? iban : string.Join(' ', Enumerable.Range(0, (iban.Length + 3) / 4).Select(i => iban.Substring(i * 4, Math.Min(4, iban.Length - (i * 4)))));
    }

    /// <summary>A password as people pick them: letters, digits and a symbol, none that ends a URL's authority.</summary>
    public string Password() => Chars(Alphanumeric, random.Next(10, 16)) + Chars("!*_-.~", 1) + Digits(2);

    public string DateOfBirth() => $"{random.Next(1950, 2004)}-{random.Next(1, 13):D2}-{random.Next(1, 29):D2}";

    public string OrderId() => random.Next(1_000_000, 9_999_999).ToString();

    public string Price() => $"{random.Next(1, 999)}.{random.Next(100):D2}";

    private static char LuhnDigit(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                d = d > 9 ? d - 9 : d;
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    private static int Mod97(string rearranged)
    {
        var remainder = 0;
        foreach (var c in rearranged)
        {
            var value = char.IsAsciiDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value >= 10 ? ((remainder * 100) + value) % 97 : ((remainder * 10) + value) % 97;
        }

        return remainder;
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
