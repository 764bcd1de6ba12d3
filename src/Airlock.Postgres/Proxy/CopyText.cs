using System.Text;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Values of COPY's text and CSV rows, read and written as the server writes them (copyto.c:
/// CopyAttributeOutText and CopyAttributeOutCSV; https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9.2).
/// </summary>
internal static class CopyText
{
    /// <summary>Undoes COPY text escapes: \b \f \n \r \t \v, \ and up to three octal digits, \x and one or two hex digits, \ before any other character.</summary>
    public static string Unescape(ReadOnlySpan<char> field)
    {
        // The server writes only the letter escapes and \\ (CopyAttributeOutText); octal and hex are read for completeness.
        if (field.IndexOf('\\') < 0)
        {
            return field.ToString();
        }

        var value = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            var c = field[i];
            if (c != '\\' || i + 1 == field.Length)
            {
                value.Append(c);
                continue;
            }

            c = field[++i];
            switch (c)
            {
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'n': value.Append('\n'); break;
                case 'r': value.Append('\r'); break;
                case 't': value.Append('\t'); break;
                case 'v': value.Append('\v'); break;
                case >= '0' and <= '7':
                    var octal = c - '0';
                    for (var digits = 1; digits < 3 && i + 1 < field.Length && field[i + 1] is >= '0' and <= '7'; digits++)
                    {
                        octal = (octal * 8) + (field[++i] - '0');
                    }

                    value.Append((char)(octal & 0xFF));
                    break;
                case 'x' when i + 1 < field.Length && char.IsAsciiHexDigit(field[i + 1]):
                    var hexDigits = i + 2 < field.Length && char.IsAsciiHexDigit(field[i + 2]) ? 2 : 1;
                    value.Append((char)int.Parse(field.Slice(i + 1, hexDigits), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
                    i += hexDigits;
                    break;
                default: value.Append(c); break;
            }
        }

        return value.ToString();
    }

    /// <summary>Escapes a value as the server's COPY text output does (CopyAttributeOutText).</summary>
    public static void AppendEscaped(StringBuilder row, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\b' => row.Append("\\b"),
                '\f' => row.Append("\\f"),
                '\n' => row.Append("\\n"),
                '\r' => row.Append("\\r"),
                '\t' => row.Append("\\t"),
                '\v' => row.Append("\\v"),
                '\\' => row.Append("\\\\"),
                _ => row.Append(c),
            };
        }
    }

    /// <summary>Reads a quoted CSV value into <paramref name="value"/> ("" is a quote); returns the position after the closing quote.</summary>
    public static int ReadQuoted(ReadOnlySpan<char> line, int position, StringBuilder value)
    {
        value.Clear();
        position++;
        while (position < line.Length)
        {
            var c = line[position];
            if (c != '"')
            {
                value.Append(c);
                position++;
            }
            else if (position + 1 < line.Length && line[position + 1] == '"')
            {
                value.Append('"');
                position += 2;
            }
            else
            {
                return position + 1;
            }
        }

        throw new PgProtocolException("a CSV row from COPY ends inside a quoted value");
    }

    /// <summary>Writes a CSV value as the server does (CopyAttributeOutCSV): quoted when it must be or was; NULL as nothing.</summary>
    public static void AppendCsv(StringBuilder row, string? value, bool quoted)
    {
        if (value is null)
        {
            return;
        }

        if (!quoted && value.Length > 0 && value != "\\." && value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            row.Append(value);
            return;
        }

        row.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
