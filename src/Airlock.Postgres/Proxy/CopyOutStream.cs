using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using System.Text.Unicode;
using Airlock.Masking;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// One COPY TO STDOUT on its way to the client, masked value by value with the same column plan a SELECT
/// of the same columns gets, and cut off at max_rows. The server sends one CopyData per row (text, CSV)
/// or per tuple (binary; the file header comes with the first), so each message is split into its values,
/// masked, and written again in the same layout
/// (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9, copyto.c CopyAttributeOutText/CSV).
/// <code>
///  CopyData ─► header? (detectors only) ─► max_rows ─► split ─► mask each value by its column ─► join ─► CopyData
/// </code>
/// </summary>
internal sealed class CopyOutStream
{
    private const string TextNull = "\\N";
    private static readonly byte[] BinarySignature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private readonly ResultPlan _plan;
    private readonly MaskingEngine _engine;
    private readonly StringBuilder _row = new();
    private readonly StringBuilder _value = new();
    private bool _headerPending;

    public CopyOutStream(CopyOutLayout layout, bool header, ResultPlan plan, MaskingEngine engine)
    {
        Layout = layout;
        _plan = plan;
        _engine = engine;
        _headerPending = header || layout == CopyOutLayout.Binary;
    }

    public CopyOutLayout Layout { get; }

    /// <summary>
    /// False when a column must be masked as a whole but the rows cannot be split into values (a custom
    /// DELIMITER, QUOTE or ESCAPE): such a COPY is refused rather than let through with detectors only.
    /// </summary>
    public bool CanMask => Layout != CopyOutLayout.Custom || !_plan.Columns.Any(c => c.Masker is { MasksWholeValues: true });

    /// <summary>Set when the client was told no instead of getting this COPY; its remaining messages are dropped.</summary>
    public bool Refused { get; set; }

    /// <summary>A binary column masked whole, sent as NULL because its type is unknown (the caller sends a notice once).</summary>
    public string? NulledColumn { get; private set; }

    /// <summary>Writes one CopyData from the server to the client, masked; rows past max_rows are left out.</summary>
    public void Write(ReadOnlySpan<byte> payload, Portal? portal, ActionInFlight action, PgWriter writer, PipeWriter client)
    {
        if (Layout == CopyOutLayout.Binary)
        {
            WriteBinary(payload, portal, action, writer, client);
            return;
        }

        if (_headerPending)
        {
            // The header row holds column names: the detectors read it, column masking does not apply.
            _headerPending = false;
            var header = Encoding.UTF8.GetString(payload);
            Send(header, _engine.Mask(header, action.Counts.Counts), payload, writer, client);
            return;
        }

        if (!action.AdmitRow(portal))
        {
            return;
        }

        if (!_plan.AnyMasking)
        {
            writer.Start((byte)'d').Bytes(payload).Finish(client);
            return;
        }

        var row = Encoding.UTF8.GetString(payload);
        var masked = Layout switch
        {
            CopyOutLayout.Text => MaskTextRow(row, action.Counts.Counts),
            CopyOutLayout.Csv => MaskCsvRow(row, action.Counts.Counts),
            _ => _engine.Mask(row, action.Counts.Counts),
        };
        Send(row, masked, payload, writer, client);
    }

    private static void Send(string row, string masked, ReadOnlySpan<byte> original, PgWriter writer, PipeWriter client)
    {
        writer.Start((byte)'d').Bytes(ReferenceEquals(row, masked) ? original : Encoding.UTF8.GetBytes(masked)).Finish(client);
    }

    /// <summary>Text: values split by tab, <c>\N</c> for NULL, special characters backslash-escaped.</summary>
    private string MaskTextRow(string row, MaskingCounts counts)
    {
        var line = row.AsSpan(0, row.EndsWith('\n') ? row.Length - 1 : row.Length);
        _row.Clear();
        var changed = false;
        var column = 0;
        while (true)
        {
            var tab = line.IndexOf('\t');
            var field = tab < 0 ? line : line[..tab];
            var plan = ColumnAt(column++);
            if (column > 1)
            {
                _row.Append('\t');
            }

            if (plan.Masker is not { } masker || field.SequenceEqual(TextNull))
            {
                _row.Append(field);
            }
            else
            {
                var value = CopyText.Unescape(field);
                var masked = masker.Mask(value, counts);
                changed |= !ReferenceEquals(masked, value);
                if (masked is null)
                {
                    _row.Append(TextNull);
                }
                else if (ReferenceEquals(masked, value))
                {
                    _row.Append(field);
                }
                else
                {
                    CopyText.AppendEscaped(_row, masked);
                }
            }

            if (tab < 0)
            {
                break;
            }

            line = line[(tab + 1)..];
        }

        ExpectColumns(column);
        if (!changed)
        {
            return row;
        }

        return _row.Append('\n').ToString();
    }

    /// <summary>CSV: values split by comma, double-quoted where they hold a comma, quote or line break; NULL is an empty unquoted value.</summary>
    private string MaskCsvRow(string row, MaskingCounts counts)
    {
        var line = row.AsSpan(0, row.EndsWith('\n') ? row.Length - 1 : row.Length);
        _row.Clear();
        var changed = false;
        var column = 0;
        var position = 0;
        while (true)
        {
            var plan = ColumnAt(column++);
            if (column > 1)
            {
                _row.Append(',');
            }

            string? value;
            var quoted = position < line.Length && line[position] == '"';
            if (quoted)
            {
                position = CopyText.ReadQuoted(line, position, _value);
                value = _value.ToString();
            }
            else
            {
                var comma = line[position..].IndexOf(',');
                var end = comma < 0 ? line.Length : position + comma;
                value = end == position ? null : line[position..end].ToString();
                position = end;
            }

            var masked = plan.Masker is { } masker ? masker.Mask(value, counts) : value;
            changed |= !ReferenceEquals(masked, value);
            CopyText.AppendCsv(_row, masked, quoted);
            if (position >= line.Length)
            {
                break;
            }

            if (line[position] != ',')
            {
                throw new PgProtocolException("a CSV row from COPY has text after a closing quote");
            }

            // After a comma at the very end, the next round reads the last value: an empty one, NULL.
            position++;
        }

        ExpectColumns(column);
        return changed ? _row.Append('\n').ToString() : row;
    }

    /// <summary>
    /// Binary: after the header, each tuple is an Int16 count and then each value as Int32 length (-1 for
    /// NULL) and bytes, in the type's binary form; -1 as the count ends the data. Types are not announced,
    /// so a value masked whole becomes NULL, and the detectors read only values that are plain UTF-8 text.
    /// </summary>
    private void WriteBinary(ReadOnlySpan<byte> payload, Portal? portal, ActionInFlight action, PgWriter writer, PipeWriter client)
    {
        writer.Start((byte)'d');
        var wrote = false;
        var position = 0;
        if (_headerPending)
        {
            if (payload.Length < BinarySignature.Length + 8 || !payload[..BinarySignature.Length].SequenceEqual(BinarySignature))
            {
                throw new PgProtocolException("a binary COPY does not start with the PGCOPY signature");
            }

            var extension = BinaryPrimitives.ReadInt32BigEndian(payload[(BinarySignature.Length + 4)..]);
            position = BinarySignature.Length + 8;
            position += Take(payload, position, extension).Length;
            writer.Bytes(payload[..position]);
            wrote = true;
            _headerPending = false;
        }

        while (position < payload.Length)
        {
            var count = BinaryPrimitives.ReadInt16BigEndian(Take(payload, position, 2));
            position += 2;
            if (count == -1)
            {
                writer.Int16(-1);
                wrote = true;
                continue;
            }

            ExpectColumns(count);
            var admitted = action.AdmitRow(portal);
            if (admitted)
            {
                writer.Int16(count);
                wrote = true;
            }

            for (var i = 0; i < count; i++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(Take(payload, position, 4));
                position += 4;
                var value = length == -1 ? default : Take(payload, position, length);
                position += value.Length;
                if (admitted)
                {
                    WriteBinaryValue(length, value, _plan.Columns[i], action.Counts.Counts, writer);
                }
            }
        }

        if (wrote)
        {
            writer.Finish(client);
        }
    }

    private void WriteBinaryValue(int length, ReadOnlySpan<byte> value, ColumnPlan column, MaskingCounts counts, PgWriter writer)
    {
        if (length < 0 || column.Masker is not { } masker)
        {
            writer.Int32(length).Bytes(value);
            return;
        }

        if (masker.MasksWholeValues)
        {
            writer.Int32(-1);
            NulledColumn ??= column.Name;
            counts.Add(masker.EntityType ?? EntityTypes.Secret);
            return;
        }

        if (!IsPlainText(value))
        {
            writer.Int32(length).Bytes(value);
            return;
        }

        var text = Encoding.UTF8.GetString(value);
        var masked = masker.Mask(text, counts);
        if (ReferenceEquals(masked, text))
        {
            writer.Int32(length).Bytes(value);
            return;
        }

        var bytes = masked is null ? null : Encoding.UTF8.GetBytes(masked);
        writer.Int32(bytes?.Length ?? -1).Bytes(bytes);
    }

    private static bool IsPlainText(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return Utf8.IsValid(value);
    }

    private static ReadOnlySpan<byte> Take(ReadOnlySpan<byte> payload, int position, int count) =>
        count >= 0 && count <= payload.Length - position ? payload.Slice(position, count) : throw new PgProtocolException("a binary COPY message ends before its values do");

    private ColumnPlan ColumnAt(int column) =>
        column < _plan.Columns.Length ? _plan.Columns[column] : throw new PgProtocolException($"a COPY row has more values than the {_plan.Columns.Length} columns its CopyOutResponse announced");

    private void ExpectColumns(int count)
    {
        if (count != _plan.Columns.Length)
        {
            throw new PgProtocolException($"a COPY row has {count} values where its CopyOutResponse announced {_plan.Columns.Length}");
        }
    }
}
