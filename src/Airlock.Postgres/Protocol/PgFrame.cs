using System.Buffers;
using System.Buffers.Binary;

namespace Airlock.Postgres.Protocol;

/// <summary>
/// Splits the byte stream into protocol messages (https://www.postgresql.org/docs/15/protocol-overview.html):
/// a type byte and an Int32 length that counts itself but not the type. The startup phase has no type
/// byte. Lengths are checked before anything is buffered, so a lying length cannot make us allocate.
/// </summary>
internal static class PgFrame
{
    /// <summary>Takes one typed message off the front of <paramref name="buffer"/>, if it is all there.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxLength, out byte type, out ReadOnlySequence<byte> payload, out ReadOnlySequence<byte> whole)
    {
        type = 0;
        payload = whole = default;
        if (buffer.Length < 5)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        type = header[0];
        var length = BinaryPrimitives.ReadInt32BigEndian(header[1..]);
        if (length < 4)
        {
            throw new PgProtocolException($"message '{Printable(type)}' has an invalid length {length}");
        }

        if (length > maxLength)
        {
            throw new PgProtocolException($"message '{Printable(type)}' of {length} bytes is larger than the limit of {maxLength} bytes");
        }

        if (buffer.Length < length + 1L)
        {
            return false;
        }

        whole = buffer.Slice(0, length + 1);
        payload = whole.Slice(5);
        buffer = buffer.Slice(length + 1);
        return true;
    }

    /// <summary>The length field of the typed message at the front of <paramref name="buffer"/> (which holds at least its 5-byte header).</summary>
    public static int PeekLength(in ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(header);
        return BinaryPrimitives.ReadInt32BigEndian(header[1..]);
    }

    /// <summary>
    /// Takes the untyped startup-phase packet (Int32 length, Int32 code, body). The length is checked as soon
    /// as its four bytes are in, so a bad one is refused at once rather than after waiting for more bytes.
    /// </summary>
    public static bool TryReadStartup(ref ReadOnlySequence<byte> buffer, int maxLength, out int code, out ReadOnlySequence<byte> body)
    {
        code = 0;
        body = default;
        if (buffer.Length < 4)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[8];
        buffer.Slice(0, 4).CopyTo(header);
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length < 8 || length > maxLength)
        {
            throw new PgProtocolException($"the startup packet has an invalid length {length} (it must be 8 to {maxLength} bytes)");
        }

        if (buffer.Length < length)
        {
            return false;
        }

        buffer.Slice(4, 4).CopyTo(header[4..]);
        code = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
        body = buffer.Slice(8, length - 8);
        buffer = buffer.Slice(length);
        return true;
    }

    public static string Printable(byte type) => type is >= 0x20 and < 0x7F ? ((char)type).ToString() : $"0x{type:X2}";
}
