namespace Airlock.Masking.Detection.Detectors;

/// <summary>
/// PEM private keys (RFC 7468): the whole block from "-----BEGIN … PRIVATE KEY-----" to the matching
/// END line, masked as one span (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted PKCS#8, PGP). Certificates and
/// public keys are not secrets and are left alone. If the END line is missing (a truncated paste or a
/// key with escaped newlines cut short), the header and every base64 line after it are masked, since a
/// partial key still leaks key material.
/// </summary>
internal sealed class PrivateKeyDetector : Detector
{
    public override string Name => "pem-private-key";

    public override string EntityType => EntityTypes.PrivateKey;

    public override DetectorTrigger Trigger => DetectorTrigger.Keyword;

    public override IReadOnlyList<string> Keywords { get; } = ["-----BEGIN "];

    public override int MaxLength => 16 * 1024;

    public override bool TryMatch(ReadOnlySpan<char> text, int index, out int start, out int length)
    {
        start = index;
        length = 0;
        var labelStart = index + "-----BEGIN ".Length;
        var labelEnd = text[labelStart..Math.Min(text.Length, labelStart + 40)].IndexOf("-----", StringComparison.Ordinal);
        if (labelEnd < 0)
        {
            return false;
        }

        var label = text.Slice(labelStart, labelEnd);
        if (!label.EndsWith("PRIVATE KEY", StringComparison.Ordinal) && !label.SequenceEqual("PGP PRIVATE KEY BLOCK"))
        {
            return false;
        }

        var bodyStart = labelStart + labelEnd + 5;
        var window = text[bodyStart..Math.Min(text.Length, index + MaxLength)];
        var endMarker = window.IndexOf("-----END ", StringComparison.Ordinal);
        if (endMarker >= 0
            && window[(endMarker + 9)..].StartsWith(label, StringComparison.Ordinal)
            && window[(endMarker + 9 + label.Length)..].StartsWith("-----", StringComparison.Ordinal))
        {
            length = bodyStart + endMarker + 9 + label.Length + 5 - index;
            return true;
        }

        // No END line in reach: mask the header and the key material that follows it.
        var body = 0;
        while (body < window.Length && (char.IsAsciiLetterOrDigit(window[body]) || window[body] is '+' or '/' or '=' or '\r' or '\n' or '\\'))
        {
            body++;
        }

        length = bodyStart + body - index;
        return true;
    }
}
