using System.Buffers;

namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// Azure keys inside connection strings and SAS URLs. AccountKey= (storage, a 64-byte key) and
/// SharedAccessKey= (Service Bus, Event Hubs, IoT Hub, a 32-byte key) must be followed by base64 that
/// decodes to exactly that many bytes. A SAS token's sig= must be URL-encoded base64 of a 32-byte
/// HMAC-SHA256 and come after the SAS version field (sv=) of the same query. Only the key or signature
/// is masked; the account name and endpoint stay readable.
/// </summary>
internal sealed class AzureKeyDetector : Detector
{
    private static readonly SearchValues<char> Base64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    private static readonly SearchValues<char> EncodedBase64Chars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=%");

    public override string Name => "azure-key";

    public override string EntityType => EntityTypes.AzureKey;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["AccountKey=", "SharedAccessKey=", "sig="];

    public override int MaxLength => 140;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        if (TextRules.IsAlnumAt(text, index - 1))
        {
            return false;
        }

        if (text[index] is 's' or 'S' && text[index + 1] is 'i' or 'I')
        {
            return MatchSignature(text, index, ref start, ref length);
        }

        var valueStart = index + text[index..].IndexOf('=') + 1;
        var run = TextRules.RunLength(text, valueStart, Base64Chars, 100);
        var expected = text[index] is 'A' or 'a' ? 64 : 32;
        if (run is < 40 or > 96 || TextRules.IsAlnumAt(text, valueStart + run) || DecodedLength(text.Slice(valueStart, run)) != expected)
        {
            return false;
        }

        start = valueStart;
        length = run;
        return true;
    }

    private static bool MatchSignature(ReadOnlySpan<char> text, int index, ref int start, ref int length)
    {
        // sig= is a SAS signature only inside a query that also carries sv= (the SAS version).
        if (index == 0 || text[index - 1] is not ('&' or '?') || !SameQueryHasVersion(text, index))
        {
            return false;
        }

        var valueStart = index + 4;
        var run = TextRules.RunLength(text, valueStart, EncodedBase64Chars, 80);
        if (run is < 43 or > 70 || TextRules.IsAlnumAt(text, valueStart + run))
        {
            return false;
        }

        Span<char> decoded = stackalloc char[80];
        var n = 0;
        var value = text.Slice(valueStart, run);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%')
            {
                if (i + 2 >= value.Length || !byte.TryParse(value.Slice(i + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                {
                    return false;
                }

                decoded[n++] = (char)b;
                i += 2;
            }
            else
            {
                decoded[n++] = value[i];
            }
        }

        if (DecodedLength(decoded[..n]) != 32)
        {
            return false;
        }

        start = valueStart;
        length = run;
        return true;
    }

    private static bool SameQueryHasVersion(ReadOnlySpan<char> text, int index)
    {
        var from = Math.Max(0, index - 300);
        var before = text[from..index];
        var queryStart = before.LastIndexOfAny(' ', '\n', '"');
        var query = queryStart < 0 ? before : before[(queryStart + 1)..];
        return query.Contains("sv=", StringComparison.Ordinal) || text.Slice(index, Math.Min(300, text.Length - index)).Contains("&sv=", StringComparison.Ordinal);
    }

    /// <summary>Bytes the base64 text decodes to, or -1 if it is not valid base64.</summary>
    private static int DecodedLength(ReadOnlySpan<char> base64)
    {
        Span<byte> bytes = stackalloc byte[72];
        return base64.Length % 4 == 0 && Convert.TryFromBase64Chars(base64, bytes, out var written) ? written : -1;
    }
}
