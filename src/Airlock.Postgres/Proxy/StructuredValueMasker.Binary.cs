using System.Buffers.Binary;
using Airlock.Masking;

namespace Airlock.Postgres.Proxy;

internal static partial class StructuredValueMasker
{
    /// <summary>
    /// array_send: ndim, has-null flag, element OID, (size, lower bound) per dimension, then each element as
    /// a length (-1 for NULL) and its own binary form. Only the elements change; the header is kept.
    /// </summary>
    private static byte[]? MaskArray(ReadOnlySpan<byte> value, ColumnMasker masker, MaskingCounts counts, int depth)
    {
        var position = 0;
        var dimensions = ReadInt32(value, ref position);
        position += 4; // has-null flag
        var elementOid = ReadInt32(value, ref position);
        if (dimensions < 0 || dimensions > 6)
        {
            return null; // MAXDIM is 6 (utils/array.h)
        }

        long count = dimensions == 0 ? 0 : 1;
        for (var d = 0; d < dimensions; d++)
        {
            count *= ReadInt32(value, ref position);
            position += 4; // lower bound
        }

        if (PgTypeShapes.Of(elementOid) == ValueShape.NoText)
        {
            return Unchanged;
        }

        var header = position;
        var elements = new List<(int Start, int Length, byte[]? Masked)>();
        var changed = false;
        for (long i = 0; i < count; i++)
        {
            var length = ReadInt32(value, ref position);
            if (length < 0)
            {
                elements.Add((position, -1, null));
                continue;
            }

            var element = value.Slice(position, length);
            var masked = MaskBinary(element, elementOid, masker, counts, depth + 1);
            if (masked is null)
            {
                return null;
            }

            changed |= !ReferenceEquals(masked, Unchanged);
            elements.Add((position, length, ReferenceEquals(masked, Unchanged) ? null : masked));
            position += length;
        }

        if (!changed)
        {
            return Unchanged;
        }

        using var output = new MemoryStream(value.Length + 64);
        output.Write(value[..header]);
        foreach (var (start, length, masked) in elements)
        {
            WriteElement(output, length < 0 ? null : masked ?? value.Slice(start, length).ToArray());
        }

        return output.ToArray();
    }

    /// <summary>record_send: the field count, then per field its type OID, a length (-1 for NULL) and its binary form.</summary>
    private static byte[]? MaskRecord(ReadOnlySpan<byte> value, ColumnMasker masker, MaskingCounts counts, int depth)
    {
        var position = 0;
        var fields = ReadInt32(value, ref position);
        var parts = new List<(int Oid, byte[]? Value)>();
        var changed = false;
        for (var i = 0; i < fields; i++)
        {
            var oid = ReadInt32(value, ref position);
            var length = ReadInt32(value, ref position);
            if (length < 0)
            {
                parts.Add((oid, null));
                continue;
            }

            var field = value.Slice(position, length);
            position += length;
            var masked = MaskBinary(field, oid, masker, counts, depth + 1);
            if (masked is null)
            {
                return null;
            }

            changed |= !ReferenceEquals(masked, Unchanged);
            parts.Add((oid, ReferenceEquals(masked, Unchanged) ? field.ToArray() : masked));
        }

        if (!changed)
        {
            return Unchanged;
        }

        using var output = new MemoryStream(value.Length + 64);
        WriteInt32(output, fields);
        foreach (var (oid, part) in parts)
        {
            WriteInt32(output, oid);
            WriteElement(output, part);
        }

        return output.ToArray();
    }

    /// <summary>tsvectorsend: the lexeme count, then per lexeme its text (NUL-terminated), a position count and the positions.</summary>
    private static byte[]? MaskTsVector(ReadOnlySpan<byte> value, ColumnMasker masker, MaskingCounts counts)
    {
        var position = 0;
        var lexemes = ReadInt32(value, ref position);
        using var output = new MemoryStream(value.Length + 64);
        WriteInt32(output, lexemes);
        var changed = false;
        for (var i = 0; i < lexemes; i++)
        {
            var end = value[position..].IndexOf((byte)0);
            if (end < 0)
            {
                return null;
            }

            var text = Utf8.GetString(value.Slice(position, end));
            position += end + 1;
            var masked = masker.Mask(text, counts);
            if (masked is not null && !ReferenceEquals(masked, text))
            {
                changed = true;
                text = masked.Replace('\0', ' ');
            }

            output.Write(Utf8.GetBytes(text));
            output.WriteByte(0);
            var positions = BinaryPrimitives.ReadUInt16BigEndian(value[position..]);
            var length = 2 + (positions * 2);
            output.Write(value.Slice(position, length));
            position += length;
        }

        return changed ? output.ToArray() : Unchanged;
    }

    private static void WriteElement(MemoryStream output, byte[]? element)
    {
        if (element is null)
        {
            WriteInt32(output, -1);
            return;
        }

        WriteInt32(output, element.Length);
        output.Write(element);
    }

    private static void WriteInt32(MemoryStream output, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        output.Write(bytes);
    }
}
