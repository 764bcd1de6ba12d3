using System.Buffers.Text;
using System.Text;

namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>Vendor credentials in their documented formats: AWS, GitHub, Slack, Stripe, Google, Azure, JWT, PEM.</summary>
internal static class TokenValues
{
    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static string AwsAccessKeyId(CorpusRandom r) => r.Pick(["AKIA", "AKIA", "ASIA"]) + r.Chars(Base32, 16);

    public static string AwsSecretKey(CorpusRandom r) => r.Chars(CorpusRandom.Base64, 40);

    /// <summary>ghp_/gho_/ghu_/ghs_/ghr_ and 36 alphanumerics, or github_pat_ and 22 + '_' + 59.</summary>
    public static string GithubToken(CorpusRandom r) => r.Next(6) == 0
        ? $"github_pat_{r.Chars(CorpusRandom.Alphanumeric, 22)}_{r.Chars(CorpusRandom.Alphanumeric, 59)}"
        : r.Pick(["ghp_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"]) + r.Chars(CorpusRandom.Alphanumeric, 36);

    /// <summary>Bot, user and app-level tokens in the shapes Slack issues.</summary>
    public static string SlackToken(CorpusRandom r) => r.Next(3) switch
    {
        0 => $"xoxb-{r.DigitString(r.Next(10, 14))}-{r.DigitString(r.Next(10, 14))}-{r.Chars(CorpusRandom.Alphanumeric, 24)}",
        1 => $"xoxp-{r.DigitString(r.Next(10, 14))}-{r.DigitString(r.Next(10, 14))}-{r.DigitString(r.Next(10, 14))}-{r.Chars(CorpusRandom.Hex, 32)}",
        _ => $"xapp-1-A{r.Chars(CorpusRandom.Upper + CorpusRandom.Digits, 10)}-{r.DigitString(13)}-{r.Chars(CorpusRandom.Hex, 64)}",
    };

    /// <summary>An incoming webhook; the label is the T…/B…/secret path, which is what gets masked.</summary>
    public static Fragment SlackWebhook(CorpusRandom r)
    {
        var id = CorpusRandom.Upper + CorpusRandom.Digits;
        var path = $"T{r.Chars(id, r.Next(8, 11))}/B{r.Chars(id, r.Next(8, 11))}/{r.Chars(CorpusRandom.Alphanumeric, 24)}";
        return Fragment.Part(EntityTypes.SlackToken, "https://hooks.slack.com/services/", path);
    }

    /// <summary>Secret and restricted keys, live and test: 24 chars (older) or 99 (current).</summary>
    public static string StripeKey(CorpusRandom r) =>
        r.Pick(["sk_live_", "sk_live_", "sk_test_", "rk_live_", "rk_test_"]) + r.Chars(CorpusRandom.Alphanumeric, r.Chance(0.5) ? 24 : 99);

    public static string GoogleApiKey(CorpusRandom r) => "AIza" + r.Chars(CorpusRandom.Alphanumeric + "_-", 35);

    /// <summary>Storage (AccountKey, 64 bytes), Service Bus (SharedAccessKey, 32 bytes) or a SAS URL's sig; only the key is labelled.</summary>
    public static Fragment Azure(CorpusRandom r)
    {
        var account = r.Pick(["acmeprod", "stlogs01", "billingexports", "mlartifacts"]) + r.Next(10, 99);
        switch (r.Next(4))
        {
            case 0:
            case 1:
                return Fragment.Part(EntityTypes.AzureKey, $"DefaultEndpointsProtocol=https;AccountName={account};AccountKey=",
                    Convert.ToBase64String(r.Bytes(64)), ";EndpointSuffix=core.windows.net");
            case 2:
                return Fragment.Part(EntityTypes.AzureKey, $"Endpoint=sb://{account}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=",
                    Convert.ToBase64String(r.Bytes(32)));
            default:
                var sig = Uri.EscapeDataString(Convert.ToBase64String(r.Bytes(32)));
                return Fragment.Part(EntityTypes.AzureKey,
                    $"https://{account}.blob.core.windows.net/exports/{Noise.Uuid(r)}.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2025-06-01T00:00:00Z&spr=https&sig=", sig);
        }
    }

    /// <summary>A signed JWT: base64url header naming its alg, a claims payload, and an HS/ES/RS-sized signature.</summary>
    public static string Jwt(CorpusRandom r)
    {
        var (alg, signatureBytes) = r.Pick<(string, int)>([("HS256", 32), ("RS256", 256), ("ES256", 64), ("HS512", 64)]);
        var header = r.Chance(0.5) ? $$"""{"alg":"{{alg}}","typ":"JWT"}""" : $$"""{"typ":"JWT","alg":"{{alg}}","kid":"{{r.Chars(CorpusRandom.Hex, 16)}}"}""";
        var iat = 1_700_000_000 + r.Next(50_000_000);
        var payload = $$"""{"sub":"{{r.Next(1, 99_999_999)}}","name":"{{r.Pick(["Ada Lovelace", "Alan Turing", "Grace Hopper"])}}","iat":{{iat}},"exp":{{iat + 3600}},"scope":"read write"}""";
        return $"{B64Url(Encoding.UTF8.GetBytes(header))}.{B64Url(Encoding.UTF8.GetBytes(payload))}.{B64Url(r.Bytes(signatureBytes))}";
    }

    /// <summary>A PEM private key block; with <paramref name="escaped"/> its newlines are "\n" as in a JSON string.</summary>
    public static string PrivateKey(CorpusRandom r, bool escaped)
    {
        var (label, bytes, width) = r.Pick<(string, int, int)>(
        [
            ("RSA PRIVATE KEY", 1190, 64), ("PRIVATE KEY", 1217, 64), ("EC PRIVATE KEY", 121, 64),
            ("OPENSSH PRIVATE KEY", 387, 70), ("ENCRYPTED PRIVATE KEY", 1298, 64),
        ]);
        var newline = escaped ? "\\n" : "\n";
        var body = Convert.ToBase64String(r.Bytes(bytes));
        var lines = body.Chunk(width).Select(c => new string(c));
        return $"-----BEGIN {label}-----{newline}{string.Join(newline, lines)}{newline}-----END {label}-----";
    }

    private static string B64Url(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
