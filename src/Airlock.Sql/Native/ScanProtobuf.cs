using System.Runtime.InteropServices;

namespace Airlock.Sql.Native;

/// <summary>One token found by PostgreSQL's scanner: its UTF-8 byte range and its token number.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct SqlToken(int Start, int End, int Token)
{
    // Token numbers from the Token enum of pg_query.proto (the named tokens of scan.l).
    public const int FloatConstant = 260;
    public const int StringConstant = 261;
    public const int UnicodeStringConstant = 262;
    public const int BitStringConstant = 263;
    public const int HexStringConstant = 264;
    public const int IntegerConstant = 266;
    public const int Parameter = 267;
    public const int LineComment = 275;
    public const int BlockComment = 276;

    /// <summary>A string literal of any spelling: '…', E'…', U&amp;'…', $tag$…$tag$, B'…', X'…'.</summary>
    public bool IsString => Token is StringConstant or UnicodeStringConstant or BitStringConstant or HexStringConstant;

    public bool IsNumber => Token is IntegerConstant or FloatConstant;

    public bool IsComment => Token is LineComment or BlockComment;
}

/// <summary>
/// Reads pg_query_scan's protobuf answer (ScanResult in pg_query.proto): just the wire format's varints and
/// length-delimited fields, which is all ScanResult and ScanToken use.
/// </summary>
internal static class ScanProtobuf
{
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    /// <summary>The tokens in order, or null when the bytes are not a well-formed ScanResult.</summary>
    public static IReadOnlyList<SqlToken>? ReadTokens(ReadOnlySpan<byte> message)
    {
        var tokens = new List<SqlToken>();
        while (!message.IsEmpty)
        {
            if (!TryReadKey(ref message, out var field, out var wireType))
            {
                return null;
            }

            if (field == 2 && wireType == LengthDelimited)
            {
                if (!TryReadLength(ref message, out var token) || ReadToken(token) is not { } read)
                {
                    return null;
                }

                tokens.Add(read);
            }
            else if (!TrySkip(ref message, wireType))
            {
                return null;
            }
        }

        return tokens;
    }

    /// <summary>ScanToken: start = 1, end = 2, token = 4, keyword_kind = 5.</summary>
    private static SqlToken? ReadToken(ReadOnlySpan<byte> message)
    {
        int start = 0, end = 0, token = 0;
        while (!message.IsEmpty)
        {
            if (!TryReadKey(ref message, out var field, out var wireType))
            {
                return null;
            }

            if (wireType == Varint && field is 1 or 2 or 4)
            {
                if (!TryReadVarint(ref message, out var value))
                {
                    return null;
                }

                switch (field)
                {
                    case 1:
                        start = (int)value;
                        break;
                    case 2:
                        end = (int)value;
                        break;
                    default:
                        token = (int)value;
                        break;
                }
            }
            else if (!TrySkip(ref message, wireType))
            {
                return null;
            }
        }

        return start >= 0 && end >= start ? new SqlToken(start, end, token) : null;
    }

    private static bool TryReadKey(ref ReadOnlySpan<byte> message, out int field, out int wireType)
    {
        field = wireType = 0;
        if (!TryReadVarint(ref message, out var key))
        {
            return false;
        }

        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        return true;
    }

    private static bool TryReadVarint(ref ReadOnlySpan<byte> message, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && !message.IsEmpty; shift += 7)
        {
            var b = message[0];
            message = message[1..];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadLength(ref ReadOnlySpan<byte> message, out ReadOnlySpan<byte> field)
    {
        field = default;
        if (!TryReadVarint(ref message, out var length) || length > (ulong)message.Length)
        {
            return false;
        }

        field = message[..(int)length];
        message = message[(int)length..];
        return true;
    }

    private static bool TrySkip(ref ReadOnlySpan<byte> message, int wireType)
    {
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(ref message, out _);
            case LengthDelimited:
                return TryReadLength(ref message, out _);
            case Fixed64 when message.Length >= 8:
                message = message[8..];
                return true;
            case Fixed32 when message.Length >= 4:
                message = message[4..];
                return true;
            default:
                return false;
        }
    }
}
