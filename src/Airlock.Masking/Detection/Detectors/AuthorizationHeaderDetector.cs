using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Credentials in HTTP Authorization and Proxy-Authorization headers (RFC 9110 §11.6.2), and bearer
/// tokens quoted on their own ("Bearer eyJ…", RFC 6750 §2.1). The header name must be followed by ':'
/// or '=' so that prose ("the Authorization header is required") is left alone. Only the credentials
/// are masked; the scheme (Basic, Bearer, Digest…) stays readable. Basic credentials must be base64 of
/// "user:password"; a bare bearer token must be long and random enough to be one.
/// </summary>
internal sealed class AuthorizationHeaderDetector : Detector
{
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/=");


    public override string Name => "auth-header";

    public override string EntityType => EntityTypes.AuthHeader;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["Authorization", "Bearer "];

    public override int MaxLength => 4096;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (TextRules.IsAlnumAt(text, index - 1))
        {
            return false;
        }

        if (text[index] is 'B' or 'b')
        {
            return MatchBearer(text, index + "Bearer ".Length, ref start, ref length);
        }

        var i = index + "Authorization".Length;
        if (TextRules.IsTokenCharAt(text, i))
        {
            return false; // authorization_code, AuthorizationPolicy
        }

        while (i < text.Length && text[i] is '"' or '\'' or ' ')
        {
            i++;
        }

        if (i >= text.Length || text[i] is not (':' or '='))
        {
            return false;
        }

        i++;
        while (i < text.Length && text[i] is '"' or '\'' or ' ' or '\t')
        {
            i++;
        }

        // Scheme and credentials, or credentials alone (some APIs send a raw key).
        var word = TextRules.RunLength(text, i, TokenChars, MaxLength);
        var credentialsStart = i;
        if (i + word < text.Length && text[i + word] == ' ' && word is > 0 and <= 24)
        {
            var scheme = text.Slice(i, word);
            credentialsStart = i + word + 1;
            if (scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase) || scheme.StartsWith("AWS4-", StringComparison.OrdinalIgnoreCase))
            {
                // Parameter lists: mask to the end of the header line.
                var lineEnd = text[credentialsStart..Math.Min(text.Length, credentialsStart + MaxLength)].IndexOfAny('\r', '\n');
                var run = lineEnd < 0 ? Math.Min(text.Length - credentialsStart, MaxLength) : lineEnd;
                return Accept(text, credentialsStart, run, minLength: 8, ref start, ref length);
            }

            var credentials = TextRules.RunLength(text, credentialsStart, TokenChars, MaxLength);
            if (scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && !IsBasicCredentials(text.Slice(credentialsStart, credentials)))
            {
                return false;
            }

            return Accept(text, credentialsStart, credentials, minLength: 8, ref start, ref length);
        }

        return Accept(text, credentialsStart, word, minLength: 16, ref start, ref length);
    }

    private static bool MatchBearer(ReadOnlySpan<char> text, int tokenStart, ref int start, ref int length)
    {
        var run = TextRules.RunLength(text, tokenStart, TokenChars, 4096);
        var token = text.Slice(tokenStart, run);
        if (run < 16 || TextRules.CharClasses(token) < 2 || TextRules.Entropy(token) < 3.0 || !token.ContainsAnyInRange('0', '9'))
        {
            return false;
        }

        return Accept(text, tokenStart, run, minLength: 16, ref start, ref length);
    }

    private static bool Accept(ReadOnlySpan<char> text, int credentialsStart, int run, int minLength, ref int start, ref int length)
    {
        var credentials = text.Slice(credentialsStart, run).TrimEnd();
        if (credentials.Length < minLength || SecretValue.IsPlaceholder(credentials))
        {
            return false;
        }

        start = credentialsStart;
        length = credentials.Length;
        return true;
    }

    /// <summary>Basic credentials are base64 of "user-id:password" (RFC 7617 §2).</summary>
    private static bool IsBasicCredentials(ReadOnlySpan<char> base64)
    {
        Span<byte> decoded = stackalloc byte[512];
        return base64.Length <= 680 && Convert.TryFromBase64Chars(base64, decoded, out var written) && decoded[..written].IndexOf((byte)':') >= 0;
    }
}
