using System.Buffers;
using System.Text.Json;
using Airlock.Masking.Columns;

namespace Airlock.Masking;

/// <summary>
/// Masks JSON and leaves its structure intact: the same objects, arrays and keys in the same order. A value
/// under a sensitive key (<c>"email"</c>, <c>"card_number"</c>, …) is masked whole; every other string,
/// and every number, passes the detectors. Keys themselves are kept. Invalid JSON is not passed through:
/// the caller gets an error and falls back to masking it as text.
/// </summary>
public static class JsonMasker
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Masks a UTF-8 JSON document into <paramref name="output"/>; returns false (writing nothing) when it is not valid JSON.</summary>
    public static bool TryMask(MaskingEngine engine, ReadOnlySpan<byte> json, IBufferWriter<byte> output, MaskingCounts? counts = null)
    {
        var scratch = new ArrayBufferWriter<byte>(json.Length + 64);
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 256 });
            using var writer = new Utf8JsonWriter(scratch, WriterOptions);
            string? property = null;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        property = null;
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        property = null;
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        property = null;
                        break;
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        writer.WritePropertyName(property!);
                        break;
                    case JsonTokenType.String:
                        WriteMasked(engine, writer, property, reader.GetString()!, isNumber: false, counts);
                        break;
                    case JsonTokenType.Number:
                        WriteMasked(engine, writer, property, System.Text.Encoding.UTF8.GetString(reader.ValueSpan), isNumber: true, counts);
                        break;
                    case JsonTokenType.True:
                        writer.WriteBooleanValue(true);
                        break;
                    case JsonTokenType.False:
                        writer.WriteBooleanValue(false);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }
            }

            writer.Flush();
        }
        catch (JsonException)
        {
            return false;
        }

        output.Write(scratch.WrittenSpan);
        return true;
    }

    private static void WriteMasked(MaskingEngine engine, Utf8JsonWriter writer, string? property, string value, bool isNumber, MaskingCounts? counts)
    {
        var entity = property is null ? null : SensitiveColumnNames.Classify(property);
        string? masked;
        if (entity is not null)
        {
            masked = engine.MaskWhole(entity, engine.StrategyFor(entity), value, counts);
        }
        else
        {
            masked = engine.Mask(value, counts);
        }

        if (masked is null)
        {
            writer.WriteNullValue();
        }
        else if (isNumber && ReferenceEquals(masked, value))
        {
            writer.WriteRawValue(value, skipInputValidation: true); // untouched numbers stay numbers
        }
        else
        {
            writer.WriteStringValue(masked);
        }
    }
}
