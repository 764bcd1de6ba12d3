using System.Buffers;
using System.Buffers.Text;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// JSON Web Tokens in compact serialization (RFC 7519 §3, RFC 7515 §7.1): three base64url parts joined by
/// dots. The header must decode to a JSON object that names its "alg" (RFC 7515 §4.1.1 makes it
/// required), and the payload must be base64url of a JSON object too. Both start with "eyJ", the base64
/// of '{"', which is the keyword. The signature may be empty (alg "none") but is masked with the rest.
/// </summary>
internal sealed class JwtDetector : Detector
{
    private static readonly SearchValues<char> Base64UrlChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public override string Name => "jwt-header";

    public override string EntityType => EntityTypes.Jwt;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["eyJ"];

    public override int MaxLength => 8192;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (!text[index..].StartsWith("eyJ", StringComparison.Ordinal) || TextRules.IsTokenCharAt(text, index - 1))
        {
            return false;
        }

        var header = TextRules.RunLength(text, index, Base64UrlChars, 1024);
        var payloadStart = index + header + 1;
        if (header is < 10 or > 1024 || payloadStart >= text.Length || text[payloadStart - 1] != '.'
            || !text[payloadStart..].StartsWith("eyJ", StringComparison.Ordinal))
        {
            return false;
        }

        var payload = TextRules.RunLength(text, payloadStart, Base64UrlChars, MaxLength);
        var signatureStart = payloadStart + payload + 1;
        if (payload < 10 || signatureStart > text.Length || text[signatureStart - 1] != '.')
        {
            return false;
        }

        var signature = signatureStart < text.Length ? TextRules.RunLength(text, signatureStart, Base64UrlChars, 1024) : 0;
        var end = signatureStart + signature;
        if (end - index > MaxLength || (end < text.Length && (text[end] == '.' || Base64UrlChars.Contains(text[end]))))
        {
            return false; // a fourth part means JWE (five parts) or something else
        }

        if (!HeaderNamesAlg(text.Slice(index, header)))
        {
            return false;
        }

        length = end - index;
        return true;
    }

    private static bool HeaderNamesAlg(ReadOnlySpan<char> header)
    {
        Span<byte> json = stackalloc byte[768];
        if (Base64Url.DecodeFromChars(header, json, out _, out var written) != OperationStatus.Done)
        {
            return false;
        }

        var decoded = json[..written];
        return decoded.Length > 0 && decoded[0] == (byte)'{' && decoded.TrimEnd(" \r\n\t"u8).EndsWith("}"u8) && decoded.IndexOf("\"alg\""u8) >= 0;
    }
}
