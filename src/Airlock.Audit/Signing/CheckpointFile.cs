using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// A signed checkpoint as a small JSON file, written by <c>airlock audit checkpoint export</c> and read by
/// <c>airlock audit verify --expect-checkpoint</c>. Kept away from the store (another host, a ticket, a SIEM),
/// it is the outside knowledge that shows a clean truncation back to an earlier checkpoint:
/// <code>
/// {"format":"airlock-audit-checkpoint/v1","id":42,"seq":41000,"head_hash":"…64 hex…","time":"2026-…Z",
///  "time_us":1795000000000000,"key_id":"…32 hex…","signature":"…128 hex…"}
/// </code>
/// Everything but <c>time</c> (for people) is covered by the signature, which verify checks before trusting it.
/// </summary>
public static class CheckpointFile
{
    public const string Format = "airlock-audit-checkpoint/v1";

    public static string Write(AuditCheckpointRow checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("id", checkpoint.Id);
            w.WriteNumber("seq", checkpoint.Seq);
            w.WriteString("head_hash", Convert.ToHexStringLower(checkpoint.HeadHash));
            w.WriteString("time", AuditEventJson.FormatTime(UnixMicros.ToTime(checkpoint.TimeMicros)));
            w.WriteNumber("time_us", checkpoint.TimeMicros);
            w.WriteString("key_id", checkpoint.KeyId);
            w.WriteString("signature", Convert.ToHexStringLower(checkpoint.Signature));
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    /// <summary>Reads a checkpoint file; throws <see cref="FormatException"/> naming what is wrong. The signature is not checked here.</summary>
    public static AuditCheckpointRow Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != Format)
            {
                throw new FormatException($"not an exported audit checkpoint (expected \"format\": \"{Format}\")");
            }

            return new AuditCheckpointRow
            {
                Id = Number(root, "id"),
                Seq = Number(root, "seq"),
                HeadHash = Hex(root, "head_hash", 32),
                TimeMicros = Number(root, "time_us"),
                KeyId = root.TryGetProperty("key_id", out var key) && key.ValueKind == JsonValueKind.String ? key.GetString()! : throw new FormatException("\"key_id\" is missing"),
                Signature = Hex(root, "signature", 64),
            };
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not JSON: {ex.Message}", ex);
        }
    }

    private static long Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"\"{name}\" is missing or not a whole number"));

    private static byte[] Hex(JsonElement root, string name, int length)
    {
        if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && text.Length == length * 2)
        {
            try
            {
                return Convert.FromHexString(text);
            }
            catch (FormatException)
            {
                // Reported below with the field's name.
            }
        }

        throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"\"{name}\" is missing or not {length} bytes in hex"));
    }
}
