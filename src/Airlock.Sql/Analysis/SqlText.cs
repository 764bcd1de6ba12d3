using System.Text;
using System.Text.RegularExpressions;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Text clean-up that keeps secrets out of output. libpg_query's normalize replaces literals but keeps
/// comments, and its error messages quote the input near the error; both can carry a password.
/// </summary>
internal static partial class SqlText
{
    /// <summary>
    /// Makes normalized text safe to show: removes comments, replaces every string literal that
    /// normalization left in place with '?' (it leaves COPY file names, COMMENT text, ALTER SYSTEM values,
    /// foreign-server OPTIONS and PREPARE bodies untouched), keeps quoted identifiers, and folds whitespace.
    /// </summary>
    public static string Clean(string sql)
    {
        var output = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }

                AppendSpace(output);
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                // Block comments nest in PostgreSQL (scan.l, xc states).
                var depth = 0;
                do
                {
                    if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
                    {
                        depth++;
                        i += 2;
                    }
                    else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }
                while (depth > 0 && i < sql.Length);
                AppendSpace(output);
            }
            else if (c is '\'' or '"')
            {
                // E'…' strings let a backslash escape the quote; standard strings double it.
                var escapes = c == '\'' && i > 0 && sql[i - 1] is 'E' or 'e';
                var end = i + 1;
                while (end < sql.Length)
                {
                    if (escapes && sql[end] == '\\')
                    {
                        end += 2;
                    }
                    else if (sql[end] == c && end + 1 < sql.Length && sql[end + 1] == c)
                    {
                        end += 2;
                    }
                    else if (sql[end] == c)
                    {
                        break;
                    }
                    else
                    {
                        end++;
                    }
                }

                if (c == '"')
                {
                    output.Append(sql, i, Math.Min(end + 1, sql.Length) - i);
                }
                else
                {
                    output.Append("'?'");
                }

                i = end + 1;
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = close < 0 ? sql.Length : close + tag.Length;
                output.Append("'?'");
            }
            else if (char.IsWhiteSpace(c))
            {
                AppendSpace(output);
                i++;
            }
            else
            {
                output.Append(c);
                i++;
            }
        }

        return output.ToString().Trim();
    }

    private static void AppendSpace(StringBuilder output)
    {
        if (output.Length > 0 && output[^1] != ' ')
        {
            output.Append(' ');
        }
    }

    /// <summary>A dollar-quote opening tag at <paramref name="start"/> ($$ or $tag$), or null for a $n parameter.</summary>
    private static string? DollarTag(string sql, int start)
    {
        var end = start + 1;
        while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] == '_'))
        {
            end++;
        }

        if (end >= sql.Length || sql[end] != '$' || (end > start + 1 && char.IsAsciiDigit(sql[start + 1])))
        {
            return null;
        }

        return sql[start..(end + 1)];
    }

    /// <summary>
    /// Replaces input quoted in a parser message (at or near "'hunter2"). Only punctuation is kept: even a
    /// bare word may be a password typed without quotes (ALTER ROLE x PASSWORD hunter2), so the cursor
    /// position, not the echoed token, is what points the reader at the mistake.
    /// </summary>
    public static string RedactError(string message) =>
        QuotedInput().Replace(message, m => PlainWord().IsMatch(m.Groups["text"].Value) ? m.Value : "\"…\"");

    [GeneratedRegex("\"(?<text>[^\"]*)\"", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture)]
    private static partial Regex QuotedInput();

    [GeneratedRegex(@"^[(),;.*=<>+\-/%:\[\]]{1,3}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture)]
    private static partial Regex PlainWord();
}
