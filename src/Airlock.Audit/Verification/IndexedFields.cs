using System.Globalization;
using System.Text.Json;

namespace Airlock.Audit;

/// <summary>
/// The body fields that are also stored in indexed columns, read with one forward pass of
/// <see cref="Utf8JsonReader"/> (no DOM), so verify can check that columns agree with the hashed record.
/// </summary>
internal readonly record struct IndexedFields(long Seq, long TimeMicros, string? Kind, string? User, string? Resource, string? Decision, string? Session)
{
    public static IndexedFields Read(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        long seq = 0, time = 0;
        string? kind = null, user = null, resource = null, decision = null, session = null;
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("the event body is not a JSON object");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            if (name.SequenceEqual("seq"u8))
            {
                seq = reader.GetInt64();
            }
            else if (name.SequenceEqual("time"u8))
            {
                var text = reader.GetString();
                time = text is null ? 0 : Store.UnixMicros.From(DateTimeOffset.ParseExact(text, AuditEventJson.TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
            }
            else if (name.SequenceEqual("kind"u8))
            {
                kind = reader.GetString();
            }
            else if (name.SequenceEqual("user"u8))
            {
                user = reader.GetString();
            }
            else if (name.SequenceEqual("resource"u8))
            {
                resource = reader.GetString();
            }
            else if (name.SequenceEqual("decision"u8))
            {
                decision = reader.GetString();
            }
            else if (name.SequenceEqual("session"u8))
            {
                session = reader.GetString();
            }
        }

        return new IndexedFields(seq, time, kind, user, resource, decision, session);
    }
}
