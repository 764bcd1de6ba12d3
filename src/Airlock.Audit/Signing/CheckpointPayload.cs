using System.Globalization;
using System.Text;

namespace Airlock.Audit;

/// <summary>
/// What a checkpoint signature covers, as text with a domain tag so that a signature over anything else
/// (another format, another product using the same key) can never pass as a checkpoint:
/// <c>airlock-audit-checkpoint/v1\n{id}\n{seq}\n{head hash hex}\n{time µs}\n{key id}</c>.
/// </summary>
internal static class CheckpointPayload
{
    public static byte[] For(long id, long seq, byte[] headHash, long timeMicros, string keyId) =>
        Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"airlock-audit-checkpoint/v1\n{id}\n{seq}\n{Convert.ToHexStringLower(headHash)}\n{timeMicros}\n{keyId}"));
}
