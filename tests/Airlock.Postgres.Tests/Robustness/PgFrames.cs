using System.Buffers.Binary;
using System.Text;

namespace Airlock.Postgres.Tests.Robustness;

/// <summary>Frontend messages as bytes (https://www.postgresql.org/docs/current/protocol-message-formats.html), well-formed unless a test bends them.</summary>
public static class PgFrames
{
    public const int ProtocolVersion3 = 196608;
    public const int SslRequestCode = 80877103;

    /// <summary>A protocol 3.0 startup packet with these parameters and the final NUL.</summary>
    public static byte[] Startup(params (string Name, string Value)[] parameters)
    {
        var body = new List<byte>();
        foreach (var (name, value) in parameters)
        {
            body.AddRange(CString(name));
            body.AddRange(CString(value));
        }

        body.Add(0);
        return StartupPacket(ProtocolVersion3, [.. body]);
    }

    /// <summary>An untyped startup-phase packet: Int32 length (itself included), Int32 code, body.</summary>
    public static byte[] StartupPacket(int code, byte[] body)
    {
        var packet = new byte[8 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(packet, packet.Length);
        BinaryPrimitives.WriteInt32BigEndian(packet.AsSpan(4), code);
        body.CopyTo(packet, 8);
        return packet;
    }

    /// <summary>A typed message: the type byte, an Int32 length counting itself and the payload, the payload.</summary>
    public static byte[] Message(char type, params byte[][] fields)
    {
        var length = 4 + fields.Sum(f => f.Length);
        var message = new byte[1 + length];
        message[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(message.AsSpan(1), length);
        var position = 5;
        foreach (var field in fields)
        {
            field.CopyTo(message, position);
            position += field.Length;
        }

        return message;
    }

    /// <summary>Just a type byte and a length, whatever the length says (for lying lengths).</summary>
    public static byte[] Header(char type, int length)
    {
        var header = new byte[5];
        header[0] = (byte)type;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    public static byte[] Password(string secret) => Message('p', CString(secret));

    public static byte[] Query(string sql) => Message('Q', CString(sql));

    public static byte[] Parse(string name, string sql, params int[] parameterTypes) =>
        Message('P', CString(name), CString(sql), Int16((short)parameterTypes.Length), [.. parameterTypes.SelectMany(Int32)]);

    /// <summary>Bind with text parameters (null for SQL NULL), all parameter formats text, and these result formats.</summary>
    public static byte[] Bind(string portal, string statement, string?[] parameters, params short[] resultFormats)
    {
        var values = new List<byte>();
        foreach (var value in parameters)
        {
            if (value is null)
            {
                values.AddRange(Int32(-1));
            }
            else
            {
                var bytes = Encoding.UTF8.GetBytes(value);
                values.AddRange(Int32(bytes.Length));
                values.AddRange(bytes);
            }
        }

        return Message('B', CString(portal), CString(statement), Int16(0), Int16((short)parameters.Length), [.. values], Int16((short)resultFormats.Length), [.. resultFormats.SelectMany(Int16)]);
    }

    public static byte[] Describe(char what, string name) => Message('D', [(byte)what], CString(name));

    public static byte[] Execute(string portal, int maxRows = 0) => Message('E', CString(portal), Int32(maxRows));

    public static byte[] Close(char what, string name) => Message('C', [(byte)what], CString(name));

    public static byte[] Sync() => Message('S');

    public static byte[] Flush() => Message('H');

    public static byte[] CopyData(byte[] data) => Message('d', data);

    public static byte[] CopyDone() => Message('c');

    public static byte[] CopyFail(string why) => Message('f', CString(why));

    public static byte[] Terminate() => Message('X');

    /// <summary>A FunctionCall (fastpath) for function OID 1598 (random()), no arguments, text result.</summary>
    public static byte[] FunctionCall() => Message('F', Int32(1598), Int16(0), Int16(0), Int16(0));

    public static byte[] CString(string value) => [.. Encoding.UTF8.GetBytes(value), 0];

    public static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
