using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Airlock.Gateway.Notifications;

/// <summary>
/// The signature on every webhook request that has a secret: <c>X-Airlock-Signature: sha256=HEX</c>, the
/// HMAC-SHA256 keyed with the secret's UTF-8 bytes over <c>"{X-Airlock-Timestamp}." + raw body bytes</c>
/// (the scheme Stripe and Slack use). The timestamp is inside the MAC, so a receiver that also rejects
/// old timestamps is safe from replays (docs/webhooks.md).
/// </summary>
public static class WebhookSignature
{
    public const string EventHeader = "X-Airlock-Event";
    public const string DeliveryHeader = "X-Airlock-Delivery";
    public const string TimestampHeader = "X-Airlock-Timestamp";
    public const string SignatureHeader = "X-Airlock-Signature";

    private const string Prefix = "sha256=";

    /// <summary>The header value for this body at this timestamp (unix seconds).</summary>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(Mac(secret, timestamp.ToString(CultureInfo.InvariantCulture), body));
    }

    /// <summary>
    /// True when <paramref name="header"/> is the signature of <paramref name="body"/> at <paramref name="timestamp"/>
    /// (the <c>X-Airlock-Timestamp</c> value as received). The comparison takes the same time wherever the
    /// first wrong byte is. It does not judge the timestamp's age; receivers should also refuse old ones.
    /// </summary>
    public static bool Verify(string secret, string timestamp, ReadOnlySpan<byte> body, string? header)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(timestamp) || header is null
            || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(header.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Mac(secret, timestamp, body), given);
    }

    private static byte[] Mac(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
