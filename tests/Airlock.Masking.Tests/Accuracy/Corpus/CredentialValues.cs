using System.Text;

namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>Credentials without a vendor prefix: passwords in URLs, Authorization and Cookie headers, key=value secrets.</summary>
internal static class CredentialValues
{
    private static readonly string[] Words = ["Summer", "Winter", "Dragon", "Monkey", "Sunshine", "Orange", "Falcon", "Welcome", "Harbor", "Copper"];
    private static readonly string[] DbUsers = ["app", "postgres", "svc_orders", "readonly", "admin", "etl_user", "root"];

    /// <summary>
    /// A password as people and generators make them: random (letters, digits, a few symbols) or a word,
    /// digits and a symbol ("Harbor2024!"). Starts with a letter or digit: a leading '$' or '{' reads as a template.
    /// </summary>
    public static string Password(CorpusRandom r) => r.Next(3) switch
    {
        0 => $"{r.Pick(Words)}{r.Next(1, 9999)}{r.Pick(["!", "#", "*", "?", "."])}",
        1 => r.Chars(CorpusRandom.Alphanumeric, 1) + r.Chars(CorpusRandom.Alphanumeric + "!#%*+-_.", r.Next(11, 28)),
        _ => r.Chars(CorpusRandom.Alphanumeric, r.Next(16, 33)),
    };

    /// <summary>A password safe inside a URL's userinfo: unreserved chars only, '@' and ':' percent-encoded.</summary>
    public static string UrlPassword(CorpusRandom r)
    {
        var password = r.Chars(CorpusRandom.Alphanumeric, 1) + r.Chars(CorpusRandom.Alphanumeric + "-_.~!*", r.Next(9, 24));
        return r.Chance(0.2) ? password.Insert(r.Next(1, password.Length), r.Pick(["%40", "%3A", "%23"])) : password;
    }

    /// <summary>scheme://user:password@host…; only the password is labelled.</summary>
    public static Fragment UrlWithCredentials(CorpusRandom r)
    {
        var (scheme, port, path) = r.Pick<(string, int, string)>(
        [
            ("postgres", 5432, "/orders"), ("postgresql", 5432, "/app?sslmode=require"), ("mysql", 3306, "/shop"),
            ("mongodb+srv", 0, "/prod?retryWrites=true"), ("redis", 6379, "/0"), ("amqp", 5672, "/vhost"), ("https", 0, "/v2/repos"),
            ("ftp", 21, "/exports/"), ("smtp", 587, ""),
        ]);
        var user = scheme == "redis" && r.Chance(0.5) ? "" : r.Pick(DbUsers);
        var host = Noise.Host(r) + (port > 0 ? $":{port}" : "");
        return Fragment.Part(EntityTypes.UrlCredentials, $"{scheme}://{user}:", UrlPassword(r), $"@{host}{path}");
    }

    /// <summary>An opaque OAuth access token (RFC 6750 b64token chars).</summary>
    public static string BearerToken(CorpusRandom r) => r.Next(3) switch
    {
        0 => "ya29." + r.Chars(CorpusRandom.Alphanumeric + "-_", r.Next(60, 120)),
        1 => r.Chars(CorpusRandom.Alphanumeric, r.Next(32, 65)),
        _ => $"{r.Chars(CorpusRandom.Alphanumeric, 20)}.{r.Chars(CorpusRandom.Alphanumeric + "-_", 27)}",
    };

    /// <summary>Basic credentials: base64 of "user:password" (RFC 7617).</summary>
    public static string BasicCredentials(CorpusRandom r) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{r.Pick(DbUsers)}:{Password(r)}"));

    /// <summary>A Cookie header's value: one or more name=value pairs, a session among them.</summary>
    public static string CookieValue(CorpusRandom r)
    {
        var session = $"{r.Pick(["sessionid", "session", "JSESSIONID", "connect.sid", "_app_session", "PHPSESSID"])}={r.Chars(CorpusRandom.Alphanumeric, r.Next(24, 48))}";
        return r.Next(3) switch
        {
            0 => session,
            1 => $"{session}; csrftoken={r.Chars(CorpusRandom.Alphanumeric, 32)}",
            _ => $"_ga=GA1.2.{r.Next(100_000, 999_999)}.{r.Next(1_600_000_000, 1_700_000_000)}; {session}; theme=dark",
        };
    }

    /// <summary>A machine-made API secret (client secrets, signing keys): long, random, letters and digits.</summary>
    public static string ApiSecret(CorpusRandom r) => r.Chance(0.5)
        ? r.Chars(CorpusRandom.Alphanumeric, r.Next(24, 49))
        : r.Chars(CorpusRandom.Hex, 32) + r.Chars(CorpusRandom.Digits, 1);
}
