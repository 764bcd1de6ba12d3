using System.Text;
using System.Text.RegularExpressions;
using Airlock.Sql.Native;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Text clean-up that keeps secrets out of output. libpg_query's normalize replaces literals but keeps
/// comments, and its error messages quote the input near the error; both can carry a password.
/// </summary>
internal static partial class SqlText
{
    /// <summary>
    /// The text to show for a statement: libpg_query's normalized text, made safe by <see cref="Clean"/>;
    /// or, when that cannot be scanned, the statement's own tokens with every constant replaced by $n.
    /// libpg_query's output fails to scan when it glues a parameter to the identifier after a literal:
    /// SELECT 'a'b (the string 'a' with the alias b) normalizes to SELECT $1b, junk after a parameter.
    /// </summary>
    public static string? Normalized(string statement, string? normalized) =>
        (normalized is null ? null : Clean(normalized)) ?? ReplaceConstants(statement);

    /// <summary>
    /// Makes normalized text safe to show: removes comments, replaces every string literal that
    /// normalization left in place with '?' (it leaves COPY file names, COMMENT text, ALTER SYSTEM values,
    /// foreign-server OPTIONS and PREPARE bodies untouched), keeps quoted identifiers, and folds whitespace.
    /// Tokens come from PostgreSQL's own scanner rather than a second lexer here, since a lexer that differs
    /// from scan.l in any corner (E'…' after an identifier, $ inside identifiers, a string continued on the
    /// next line, a comment ended by a carriage return) reads part of a literal as code and prints it.
    /// Null when the text cannot be scanned: nothing is shown rather than a guess.
    /// </summary>
    public static string? Clean(string sql) =>
        PgQuery.Scan(sql) is { } tokens ? Rebuild(sql, tokens, static token => token.IsString ? "'?'" : null) : null;

    /// <summary>
    /// The text's shape: its tokens as <see cref="Rebuild"/> joins them, with each literal replaced by
    /// U+0001 and its token number (U+0001 appears in no token but a literal or a quoted identifier). Two
    /// texts of one shape are the same token sequence but for literal values. Null when the text holds a
    /// NUL (the scanner would see only what precedes it) or cannot be scanned.
    /// </summary>
    public static string? Shape(string sql)
    {
        if (sql.Contains('\0', StringComparison.Ordinal) || PgQuery.Scan(sql) is not { } tokens)
        {
            return null;
        }

        return Rebuild(sql, tokens, static token => token.IsString || token.IsNumber ? "\u0001" + token.Token.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    /// <summary>The text with comments removed and every constant, string or number, replaced by $n after any $n it already has.</summary>
    private static string? ReplaceConstants(string sql)
    {
        if (PgQuery.Scan(sql) is not { } tokens)
        {
            return null;
        }

        var bytes = Encoding.UTF8.GetBytes(sql);
        var next = 1;
        foreach (var token in tokens.Where(t => t.Token == SqlToken.Parameter && t.End <= bytes.Length && t.End - t.Start > 1))
        {
            if (int.TryParse(bytes.AsSpan((token.Start + 1)..token.End), out var number) && number >= next)
            {
                next = number + 1;
            }
        }

        return Rebuild(sql, tokens, token => token.IsString || token.IsNumber ? $"${next++}" : null);
    }

    /// <summary>The scanner's tokens joined by single spaces where there was space or a comment, each replaced as asked.</summary>
    private static string? Rebuild(string sql, IReadOnlyList<SqlToken> tokens, Func<SqlToken, string?> replace)
    {
        var bytes = Encoding.UTF8.GetBytes(sql);
        var output = new StringBuilder(sql.Length);
        var previousEnd = 0;
        var previousReplaced = false;
        foreach (var token in tokens)
        {
            if (token.End > bytes.Length)
            {
                return null;
            }

            if (token.IsComment)
            {
                continue;
            }

            // A replacement glued to the next token would read differently ('a'b is not $1b).
            if (output.Length > 0 && (token.Start > previousEnd || (previousReplaced && char.IsLetterOrDigit((char)bytes[token.Start]))))
            {
                output.Append(' ');
            }

            var replacement = replace(token);
            output.Append(replacement ?? Encoding.UTF8.GetString(bytes, token.Start, token.End - token.Start));
            previousEnd = token.End;
            previousReplaced = replacement is not null;
        }

        return output.ToString();
    }

    /// <summary>
    /// Removes the input a parser message quotes (at or near "'hunter2"). Only a token of punctuation is
    /// kept: even a bare word may be a password typed without quotes (ALTER ROLE x PASSWORD hunter2), so
    /// the cursor position, not the echoed token, is what points the reader at the mistake. Everything from
    /// the first double quote to the last is one span, since the quoted input may hold quotes itself
    /// (SELECT "a"b… gives at or near ""a"b"); and what follows ": " is input too ("improper qualified
    /// name (too many dotted names): a.b.c.d", check_qualified_name in gram.y).
    /// </summary>
    public static string RedactError(string message)
    {
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            message = message[..(colon + 2)] + "…";
        }

        var first = message.IndexOf('"', StringComparison.Ordinal);
        if (first < 0)
        {
            return message;
        }

        var last = message.LastIndexOf('"');
        var quoted = last > first ? message[(first + 1)..last] : message[(first + 1)..];
        var rest = last > first ? message[(last + 1)..] : string.Empty;
        return PlainWord().IsMatch(quoted) ? message : $"{message[..first]}\"…\"{rest}";
    }

    [GeneratedRegex(@"^[(),;.*=<>+\-/%:\[\]]{1,3}$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture)]
    private static partial Regex PlainWord();
}
