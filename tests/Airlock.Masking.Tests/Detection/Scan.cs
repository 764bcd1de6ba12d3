using System.Text;
using Airlock.Masking.Detection;

namespace Airlock.Masking.Tests.Detection;

/// <summary>Runs detectors through the real <see cref="TextScanner"/>, so triggers and overlaps behave as in production.</summary>
internal static class Scan
{
    private static readonly TextScanner All = new(DetectorCatalog.All);

    /// <summary>The masked substrings <paramref name="detector"/> finds in <paramref name="text"/>.</summary>
    public static List<string> With(Detector detector, string text)
    {
        var findings = new List<Finding>();
        new TextScanner([detector]).Scan(text, findings);
        return [.. findings.Select(f => text.Substring(f.Start, f.Length))];
    }

    /// <summary>Every finding of the full catalog, as "entity:masked text".</summary>
    public static List<string> WithCatalog(string text)
    {
        var findings = new List<Finding>();
        All.Scan(text, findings);
        return [.. findings.Select(f => $"{f.EntityType}:{text.Substring(f.Start, f.Length)}")];
    }
}

/// <summary>Builds values with valid check digits, so positives are real and negatives differ by one digit.</summary>
internal static class Generate
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Appends the Luhn check digit to <paramref name="body"/>.</summary>
    public static string Luhn(string body)
    {
        for (var check = 0; check < 10; check++)
        {
            var candidate = body + check;
            var sum = 0;
            for (var i = 0; i < candidate.Length; i++)
            {
                var d = candidate[candidate.Length - 1 - i] - '0';
                if (i % 2 == 1)
                {
                    d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
                }

                sum += d;
            }

            if (sum % 10 == 0)
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>An IBAN for <paramref name="country"/> and <paramref name="bban"/> with correct mod-97 check digits.</summary>
    public static string Iban(string country, string bban)
    {
        var rearranged = bban + country + "00";
        var remainder = 0;
        foreach (var c in rearranged)
        {
            remainder = char.IsAsciiDigit(c) ? ((remainder * 10) + (c - '0')) % 97 : ((remainder * 100) + (c - 'A' + 10)) % 97;
        }

        return $"{country}{98 - remainder:00}{bban}";
    }

    /// <summary>Appends the ABA check digit (weights 3, 7, 1) to eight digits.</summary>
    public static string Aba(string eight)
    {
        int[] weights = [3, 7, 1, 3, 7, 1, 3, 7];
        var sum = eight.Select((c, i) => (c - '0') * weights[i]).Sum();
        return eight + ((10 - (sum % 10)) % 10);
    }

    /// <summary>Groups an IBAN in fours, as printed.</summary>
    public static string Printed(string iban) =>
        string.Join(' ', Enumerable.Range(0, (iban.Length + 3) / 4).Select(i => iban.Substring(i * 4, Math.Min(4, iban.Length - (i * 4)))));

    /// <summary>Random chars from <paramref name="alphabet"/>, seeded so failures reproduce.</summary>
    public static string Random(int length, string alphabet = Alphanumeric, int seed = 7)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }

        return builder.ToString();
    }
}
