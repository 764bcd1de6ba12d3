using System.Text;

namespace Airlock.Postgres.Protocol;

/// <summary>The fields of an ErrorResponse or NoticeResponse: a type byte and a string each, ending with a NUL.</summary>
internal static class PgErrorFields
{
    public static PgError Parse(ReadOnlySpan<byte> payload)
    {
        string severity = "ERROR", state = "XX000", message = string.Empty;
        string? detail = null, hint = null;
        foreach (var (code, value) in Enumerate(payload))
        {
            switch ((char)code)
            {
                case 'V': severity = value; break;
                case 'C': state = value; break;
                case 'M': message = value; break;
                case 'D': detail = value; break;
                case 'H': hint = value; break;
            }
        }

        return new PgError(state, message, detail, hint, severity);
    }

    public static List<(byte Code, string Value)> Enumerate(ReadOnlySpan<byte> payload)
    {
        var fields = new List<(byte, string)>();
        var r = new PgReader(payload);
        while (r.Remaining > 0)
        {
            var code = r.ReadByte();
            if (code == 0)
            {
                break;
            }

            fields.Add((code, r.ReadCString()));
        }

        return fields;
    }

    /// <summary>Rewrites an error or notice with every human-readable text field passed through <paramref name="mask"/>.</summary>
    public static void WriteMasked(PgWriter w, System.Buffers.IBufferWriter<byte> output, byte type, ReadOnlySpan<byte> payload, Func<string, string> mask)
    {
        w.Start(type);
        foreach (var (code, value) in Enumerate(payload))
        {
            // Message, detail, hint, where, and the internal query can all quote data values.
            var masked = code is (byte)'M' or (byte)'D' or (byte)'H' or (byte)'W' or (byte)'q' ? mask(value) : value;
            w.Byte(code).CString(masked);
        }

        w.Byte(0).Finish(output);
    }

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
