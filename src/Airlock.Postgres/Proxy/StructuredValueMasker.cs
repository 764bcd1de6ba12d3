using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Airlock.Masking;

namespace Airlock.Postgres.Proxy;

/// <summary>What became of one value that is not of a text type.</summary>
internal enum StructuredOutcome
{
    Unchanged,
    Replaced,
    Nulled,
}

/// <summary>
/// Runs the detectors on the text inside values that are not of a text type (docs/security.md, class G):
/// arrays, records, bytea, tsvector, and types the gateway does not know. A value's text form is text
/// whatever its type, so it is scanned as is, with bytea's hex runs decoded first (an array or record of
/// bytea prints them inside). A binary value is decoded enough to reach the text of each element or field
/// (arrayfuncs.c array_send, rowtypes.c record_send, tsvector.c tsvectorsend), masked there, and written back
/// valid for its type; a binary value the gateway cannot read is nulled, never passed unscanned.
/// </summary>
internal static partial class StructuredValueMasker
{
    /// <summary>Nesting guard for arrays of records of arrays…</summary>
    private const int MaxDepth = 32;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static StructuredOutcome Mask(ReadOnlySpan<byte> value, int typeOid, short format, ColumnMasker masker, MaskingCounts counts, out byte[]? replaced)
    {
        replaced = null;
        var shape = PgTypeShapes.Of(typeOid);
        if (shape == ValueShape.NoText)
        {
            return StructuredOutcome.Unchanged;
        }

        if (format == 0)
        {
            var text = Utf8.GetString(value);
            var masked = MaskText(text, shape == ValueShape.Bytea, masker, counts);
            if (ReferenceEquals(masked, text))
            {
                return StructuredOutcome.Unchanged;
            }

            replaced = Utf8.GetBytes(masked);
            return StructuredOutcome.Replaced;
        }

        try
        {
            var result = MaskBinary(value, typeOid, masker, counts, 0);
            if (result is null)
            {
                return StructuredOutcome.Nulled;
            }

            if (ReferenceEquals(result, Unchanged))
            {
                return StructuredOutcome.Unchanged;
            }

            replaced = result;
            return StructuredOutcome.Replaced;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or IndexOutOfRangeException or FormatException)
        {
            return StructuredOutcome.Nulled; // malformed or unexpected: never pass what could not be read
        }
    }

    /// <summary>Marks "nothing changed" in the binary walk without allocating.</summary>
    private static readonly byte[] Unchanged = [];

    /// <summary>The text form: bytea hex runs (\x…, or \\x… inside array and record quoting) decoded and scanned, then the whole text.</summary>
    private static string MaskText(string text, bool wholeIsBytea, ColumnMasker masker, MaskingCounts counts)
    {
        var decoded = text;
        if (wholeIsBytea || text.Contains("\\x", StringComparison.Ordinal))
        {
            decoded = HexRun().Replace(text, match =>
            {
                var bytes = Convert.FromHexString(match.Groups["hex"].ValueSpan);
                var inner = Utf8.GetString(bytes);
                var masked = masker.Mask(inner, counts);
                return ReferenceEquals(masked, inner) || masked is null ? match.Value : match.Groups["prefix"].Value + Convert.ToHexStringLower(Utf8.GetBytes(masked));
            });
        }

        if (wholeIsBytea && decoded.StartsWith("\\x", StringComparison.Ordinal))
        {
            return decoded; // hex digits hold nothing the detectors could find once decoded
        }

        return masker.Mask(decoded, counts) ?? decoded;
    }

    /// <summary>Null: cannot be read. <see cref="Unchanged"/>: nothing to mask. Otherwise the masked value, valid for its type.</summary>
    private static byte[]? MaskBinary(ReadOnlySpan<byte> value, int typeOid, ColumnMasker masker, MaskingCounts counts, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        switch (PgTypeShapes.Of(typeOid))
        {
            case ValueShape.NoText:
                return Unchanged;
            case ValueShape.Text:
            {
                var prefix = typeOid == PgTypeShapes.JsonbOid && value.Length > 0 ? 1 : 0;
                var text = Utf8.GetString(value[prefix..]);
                var masked = masker.Mask(text, counts);
                if (masked is null || ReferenceEquals(masked, text))
                {
                    return Unchanged;
                }

                var bytes = new byte[prefix + Utf8.GetByteCount(masked)];
                if (prefix == 1)
                {
                    bytes[0] = value[0];
                }

                Utf8.GetBytes(masked, bytes.AsSpan(prefix));
                return bytes;
            }

            case ValueShape.Bytea:
            {
                var text = Utf8.GetString(value);
                var masked = masker.Mask(text, counts);
                return masked is null || ReferenceEquals(masked, text) ? Unchanged : Utf8.GetBytes(masked);
            }

            case ValueShape.Array:
                return MaskArray(value, masker, counts, depth);
            case ValueShape.Record:
                return MaskRecord(value, masker, counts, depth);
            case ValueShape.TsVector:
                return MaskTsVector(value, masker, counts);
            default:
                return null;
        }
    }

    [GeneratedRegex(@"(?<prefix>\\+x)(?<hex>(?:[0-9a-fA-F]{2})+)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex HexRun();

    private static int ReadInt32(ReadOnlySpan<byte> span, ref int position)
    {
        var value = BinaryPrimitives.ReadInt32BigEndian(span[position..]);
        position += 4;
        return value;
    }
}
