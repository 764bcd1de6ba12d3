using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Masks one DataRow by its plan. Values of text types are masked in text and binary format alike (their
/// binary form is the UTF-8 text; jsonb's adds a version byte). A value of another type that must be
/// masked whole cannot hold a masked text, so it becomes NULL (and the caller sends a notice once); one
/// that only passes the detectors is read by <see cref="StructuredValueMasker"/> (arrays, records, bytea…).
/// A row with nothing to change is copied as it came.
/// </summary>
internal static class DataRowMasker
{
    private const int JsonbOid = PgTypeShapes.JsonbOid;

    public static void Write(byte[] payload, ResultPlan plan, Portal? portal, ActionInFlight action, PgWriter writer, PipeWriter client, out string? nulledColumn)
    {
        nulledColumn = null;
        var span = payload.AsSpan();
        var count = BinaryPrimitives.ReadInt16BigEndian(span);
        writer.Start((byte)'D').Int16(count);
        var position = 2;
        for (var i = 0; i < count; i++)
        {
            if (position + 4 > span.Length)
            {
                throw new PgProtocolException("a DataRow from the server ends early");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(span[position..]);
            position += 4;
            if (length < 0)
            {
                writer.Int32(-1);
                continue;
            }

            var value = span.Slice(position, length);
            position += length;
            var column = i < plan.Columns.Length ? plan.Columns[i] : null;
            if (column?.Masker is not { } masker)
            {
                writer.Int32(length).Bytes(value);
                continue;
            }

            var format = portal?.FormatOf(i) ?? column.Format;
            if (!column.TextType)
            {
                if (masker.MasksWholeValues)
                {
                    writer.Int32(-1);
                    nulledColumn ??= column.Name;
                    action.Counts.Counts.Add(masker.EntityType ?? "secret");
                    continue;
                }

                // Detectors only: the text inside arrays, records, bytea, tsvector… (docs/security.md, class G).
                switch (StructuredValueMasker.Mask(value, column.TypeOid, format, masker, action.Counts.Counts, out var replaced))
                {
                    case StructuredOutcome.Replaced:
                        writer.Int32(replaced!.Length).Bytes(replaced);
                        break;
                    case StructuredOutcome.Nulled:
                        writer.Int32(-1);
                        nulledColumn ??= column.Name;
                        break;
                    default:
                        writer.Int32(length).Bytes(value);
                        break;
                }

                continue;
            }

            var prefix = format == 1 && column.TypeOid == JsonbOid && value.Length > 0 ? 1 : 0;
            var text = Encoding.UTF8.GetString(value[prefix..]);
            var masked = masker.Mask(text, action.Counts.Counts);
            if (masked is null)
            {
                writer.Int32(-1);
            }
            else if (ReferenceEquals(masked, text))
            {
                writer.Int32(length).Bytes(value);
            }
            else
            {
                var bytes = Encoding.UTF8.GetBytes(masked);
                writer.Int32(bytes.Length + prefix);
                if (prefix == 1)
                {
                    writer.Byte(value[0]);
                }

                writer.Bytes(bytes);
            }
        }

        writer.Finish(client);
    }
}
