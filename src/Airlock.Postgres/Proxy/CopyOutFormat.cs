using System.Text.RegularExpressions;

namespace Airlock.Postgres.Proxy;

/// <summary>The layout of COPY TO STDOUT rows (https://www.postgresql.org/docs/15/sql-copy.html#id-1.9.3.55.9).</summary>
internal enum CopyOutLayout
{
    /// <summary>Tab-separated, <c>\N</c> for NULL, backslash escapes.</summary>
    Text,

    /// <summary>Comma-separated, double-quoted where needed, an empty unquoted field for NULL.</summary>
    Csv,

    /// <summary>PGCOPY signature and header, then tuples of length-prefixed values, then -1.</summary>
    Binary,

    /// <summary>Text or CSV with a DELIMITER, QUOTE or ESCAPE of its own: the gateway cannot split its rows into values.</summary>
    Custom,
}

/// <summary>
/// The layout of one COPY TO STDOUT, from CopyOutResponse's format (text or binary) and the options of
/// the statement. Option values are not read: the audit-safe normalized text has them replaced, and a
/// row layout the gateway cannot split is <see cref="CopyOutLayout.Custom"/>, which masks only when no
/// column needs masking of its own.
/// </summary>
internal static partial class CopyOutFormat
{
    public static (CopyOutLayout Layout, bool Header) Of(bool binary, string? normalizedStatement)
    {
        if (binary)
        {
            return (CopyOutLayout.Binary, false);
        }

        // The options follow TO STDOUT, after any query (whose literals are replaced in the normalized text).
        var text = normalizedStatement ?? string.Empty;
        var at = text.LastIndexOf("STDOUT", StringComparison.OrdinalIgnoreCase);
        var options = at < 0 ? text : text[(at + "STDOUT".Length)..];
        var layout = CustomSeparators().IsMatch(options) ? CopyOutLayout.Custom
            : CsvOption().IsMatch(options) ? CopyOutLayout.Csv
            : CopyOutLayout.Text;
        return (layout, HeaderOption().IsMatch(options));
    }

    [GeneratedRegex(@"\b(DELIMITER|ESCAPE)\b|(?<!\bFORCE[ _]|\bFORCE_)\bQUOTE\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 100)]
    private static partial Regex CustomSeparators();

    [GeneratedRegex(@"\bCSV\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 100)]
    private static partial Regex CsvOption();

    [GeneratedRegex(@"\bHEADER\b(?!\s*(false|off|0)\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, matchTimeoutMilliseconds: 100)]
    private static partial Regex HeaderOption();
}
