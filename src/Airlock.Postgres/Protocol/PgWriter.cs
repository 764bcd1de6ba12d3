using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Airlock.Postgres.Protocol;

/// <summary>
/// Builds messages the gateway makes itself (errors, notices, authentication, rewritten rows):
/// <see cref="Start"/> reserves the type and length, the field calls append, <see cref="Finish"/> fills in
/// the length and copies the message out. One builder per connection direction; its buffer is reused.
/// Relayed messages never pass through here: they are copied as they came.
/// </summary>
internal sealed class PgWriter
{
    private byte[] _buffer = new byte[512];
    private int _length;
    private int _lengthAt;

    public PgWriter Start(byte type)
    {
        _length = 0;
        if (type != 0)
        {
            _buffer[_length++] = type;
        }

        _lengthAt = _length;
        _length += 4;
        return this;
    }

    public PgWriter Byte(byte value)
    {
        Ensure(1)[0] = value;
        _length += 1;
        return this;
    }

    public PgWriter Int16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(Ensure(2), value);
        _length += 2;
        return this;
    }

    public PgWriter Int32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Ensure(4), value);
        _length += 4;
        return this;
    }

    public PgWriter CString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        var span = Ensure(count + 1);
        Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
        _length += count + 1;
        return this;
    }

    public PgWriter Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Ensure(value.Length));
        _length += value.Length;
        return this;
    }

    /// <summary>Fills in the length and writes the message to <paramref name="output"/>.</summary>
    public void Finish(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_lengthAt), _length - _lengthAt);
        output.Write(_buffer.AsSpan(0, _length));
    }

    private Span<byte> Ensure(int count)
    {
        if (_length + count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        }

        return _buffer.AsSpan(_length, count);
    }
}
