using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Airlock.Postgres.Protocol;

/// <summary>Reads the fields of one message's payload: big-endian integers, NUL-terminated UTF-8 strings, byte runs.</summary>
internal ref struct PgReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PgReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public readonly int Position => _position;

    public byte ReadByte()
    {
        Need(1);
        return _data[_position++];
    }

    public short ReadInt16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadInt16BigEndian(_data[_position..]);
        _position += 2;
        return value;
    }

    public int ReadInt32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadInt32BigEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public string ReadCString()
    {
        var end = _data[_position..].IndexOf((byte)0);
        if (end < 0)
        {
            throw new PgProtocolException("a string field is not NUL-terminated");
        }

        var text = Encoding.UTF8.GetString(_data.Slice(_position, end));
        _position += end + 1;
        return text;
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0)
        {
            throw new PgProtocolException($"a field has a negative length {count}");
        }

        Need(count);
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private readonly void Need(int count)
    {
        // Compared without adding: a count near int.MaxValue (a lying length) must not wrap around.
        if (count > _data.Length - _position)
        {
            throw new PgProtocolException("a message ends before its fields do");
        }
    }

    /// <summary>Makes a contiguous span of a payload, renting only when the sequence spans segments.</summary>
    public static ReadOnlySpan<byte> Contiguous(in ReadOnlySequence<byte> payload, ref byte[]? rented)
    {
        if (payload.IsSingleSegment)
        {
            return payload.FirstSpan;
        }

        rented = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        payload.CopyTo(rented);
        return rented.AsSpan(0, (int)payload.Length);
    }
}
