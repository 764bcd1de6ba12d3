using System.Globalization;
using System.Text;
using System.Text.Json;
using Airlock.Pipeline;

namespace Airlock.Cli;

/// <summary>
/// The one way the CLI prints what came from the admin API or the store (issue 14, class H): text that
/// someone else wrote (a held statement, a reason, a name, a server's error) must not drive the terminal
/// (ESC sequences, CR, backspace, C1 controls) or read differently from what it is (bidi overrides,
/// zero-width characters). Those characters are written <c>\u{XXXX}</c> (<see cref="VisibleText"/>, the
/// same escaping the admin API applies to a request's exact text).
/// </summary>
internal static class TerminalText
{
    /// <summary>One line: line breaks are escaped too, so a value cannot forge a line of its own.</summary>
    public static string Line(string? text) => VisibleText.Escape(text);

    /// <summary>Several lines (a statement): LF and CR LF stay line breaks, everything else is escaped.</summary>
    public static string Lines(string? text) => VisibleText.Escape(text, multiline: true);

    /// <summary>Text the admin API escaped already (a request's <c>exact</c> fields): escaped again for a server that did not, without quoting its escapes twice.</summary>
    public static string Escaped(string? text, bool multiline) => VisibleText.Escape(text, multiline, quoteBackslash: false);

    /// <summary>A string property of a JSON object as one safe line; empty when it is missing or not a string.</summary>
    public static string Field(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? Line(value.GetString()) : string.Empty;

    /// <summary>The string items of a JSON array property, each as one safe line.</summary>
    public static IReadOnlyList<string> Items(JsonElement row, string name) =>
        row.ValueKind == JsonValueKind.Object && row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? Line(v.GetString()) : Line(v.GetRawText()))]
            : [];

    /// <summary>
    /// JSON to print (<c>--json</c>): still the same JSON, with every character a terminal would act on or hide
    /// written as a JSON <c>\uXXXX</c> escape (inside strings, where alone such characters can be; the JSON
    /// whitespace TAB, LF and CR outside them is kept).
    /// </summary>
    public static string Json(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        StringBuilder? builder = null;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            var hide = c is not ('\t' or '\n' or '\r') && (c < ' ' || (c > '~' && VisibleText.NeedsEscape(c.ToString())));
            if (hide)
            {
                builder ??= new StringBuilder(json, 0, i, json.Length + 16);
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? json;
    }
}
