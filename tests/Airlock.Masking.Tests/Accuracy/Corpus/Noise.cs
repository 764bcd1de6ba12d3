namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// The unlabelled text around values, and the hard negatives the generator mixes in: timestamps, UUIDs,
/// git and sha256 digests, durations, prices, versions, ISBNs, and card-, SSN-, IBAN- and ABA-shaped
/// numbers that fail their checks. None of it may ever be masked.
/// </summary>
internal static class Noise
{
    private static readonly string[] Levels = ["INFO", "WARN", "ERROR", "DEBUG"];
    private static readonly string[] Services = ["checkout", "billing-api", "auth", "payments-worker", "gateway", "ledger", "notifier", "search"];
    private static readonly string[] Users = ["alice", "bob.smith", "svc_billing", "deploy", "r.garcia", "ops-bot", "jdoe"];
    private static readonly string[] Hosts = ["db-7.prod.internal", "api.acme.test", "cache-2.eu-west-1.internal", "pg-primary", "orders-db.svc.cluster.local"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    private static readonly string[] Words = ["order", "invoice", "customer", "session", "refund", "shipment", "report", "batch"];

    public static string Timestamp(CorpusRandom r) =>
        new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(r.Next(0, 3 * 365 * 24 * 3600)).AddMilliseconds(r.Next(1000))
            .ToString(r.Chance(0.5) ? "yyyy-MM-ddTHH:mm:ss.fffZ" : "yyyy-MM-dd HH:mm:ss");

    public static string Date(CorpusRandom r) =>
        new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(r.Next(0, 1000)).ToString("yyyy-MM-dd");

    public static string Uuid(CorpusRandom r)
    {
        var bytes = r.Bytes(16);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        return new Guid(bytes).ToString();
    }

    public static string GitSha(CorpusRandom r) => r.Chars(CorpusRandom.Hex, 40);

    public static string ShortSha(CorpusRandom r) => r.Chars(CorpusRandom.Hex, 7);

    public static string Sha256(CorpusRandom r) => r.Chars(CorpusRandom.Hex, 64);

    public static string Level(CorpusRandom r) => r.Pick(Levels);

    public static string Service(CorpusRandom r) => r.Pick(Services);

    public static string User(CorpusRandom r) => r.Pick(Users);

    public static string Host(CorpusRandom r) => r.Pick(Hosts);

    public static string Method(CorpusRandom r) => r.Pick(Methods);

    public static string Word(CorpusRandom r) => r.Pick(Words);

    public static string Number(CorpusRandom r) => r.Next(1, 999_999).ToString();

    public static string Duration(CorpusRandom r) => r.Chance(0.5) ? $"{r.Next(1, 5000)}ms" : $"{r.Next(0, 60)}.{r.Next(100, 999)}s";

    public static string Price(CorpusRandom r) => r.Next(4) switch
    {
        0 => $"${r.Next(1, 9)},{r.Next(100, 999)}.{r.Next(10, 99)}",
        1 => $"{r.Next(1, 9999)}.{r.Next(10, 99)} EUR",
        2 => $"USD {r.Next(100_000, 99_999_999)}.{r.Next(10, 99)}",
        _ => $"£{r.Next(1, 999)}.{r.Next(10, 99)}",
    };

    public static string Version(CorpusRandom r) => r.Next(3) switch
    {
        0 => $"v{r.Next(0, 30)}.{r.Next(0, 30)}.{r.Next(0, 30)}",
        1 => $"{r.Next(1, 20)}.{r.Next(0, 30)}.{r.Next(0, 300)}",
        _ => $"{r.Next(1, 20)}.{r.Next(0, 9)}.{r.Next(0, 9)}-rc.{r.Next(1, 9)}",
    };

    /// <summary>A 16-digit number in a real card range whose Luhn check fails: a card-shaped id that is not a card.</summary>
    public static string LuhnInvalid16(CorpusRandom r)
    {
        var payload = r.Pick(["4", "51", "37", "6011", "35"]);
        payload += r.DigitString(15 - payload.Length);
        var wrong = (Checksums.LuhnCheckDigit(payload) + r.Next(1, 10)) % 10;
        return payload + wrong;
    }

    /// <summary>ISBN-13 with a valid check digit (weights 1 and 3), printed with hyphens or compact.</summary>
    public static string Isbn13(CorpusRandom r)
    {
        var body = r.Pick(["978", "979"]) + r.DigitString(9);
        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (body[i] - '0') * (i % 2 == 0 ? 1 : 3);
        }

        var isbn = body + ((10 - (sum % 10)) % 10);
        return r.Chance(0.5) ? isbn : $"{isbn[..3]}-{isbn[3]}-{isbn[4..7]}-{isbn[7..12]}-{isbn[12]}";
    }

    /// <summary>A 9-digit id that passes the ABA checksum but has no routing context: an order number.</summary>
    public static string AbaShapedId(CorpusRandom r)
    {
        var eight = "0" + r.Next(1, 10) + r.DigitString(6);
        return eight + Checksums.AbaCheckDigit(eight);
    }

    /// <summary>SSN-shaped numbers the SSA never issues: area 000, 666 or 9xx, group 00, serial 0000.</summary>
    public static string InvalidSsn(CorpusRandom r) => r.Next(4) switch
    {
        0 => $"000-{r.Next(10, 99)}-{r.Next(1000, 9999)}",
        1 => $"666-{r.Next(10, 99)}-{r.Next(1000, 9999)}",
        2 => $"9{r.Next(10, 99)}-{r.Next(10, 99)}-{r.Next(1000, 9999)}",
        _ => $"{r.Next(100, 665)}-00-{r.Next(1000, 9999)}",
    };

    /// <summary>A German-IBAN-shaped string whose check digits are wrong.</summary>
    public static string InvalidIban(CorpusRandom r)
    {
        var bban = r.DigitString(18);
        var right = int.Parse(Checksums.IbanCheckDigits("DE", bban));
        var wrong = (right + r.Next(1, 97)) % 100;
        return Checksums.IsIbanValid($"DE{wrong:00}{bban}") ? $"DE{(wrong + 1) % 100:00}{bban}" : $"DE{wrong:00}{bban}";
    }
}
