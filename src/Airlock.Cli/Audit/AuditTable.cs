using System.Globalization;
using System.Text;
using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>
/// The readable form of events: one line each, in fixed columns so that rows can be printed as they stream
/// in (tail --follow) without reading ahead, about 120 characters wide. Long values are cut with "…"; line
/// breaks and tabs are shown as spaces, and every other character that could drive the terminal or hide
/// text is escaped (<see cref="TerminalText"/>), so stored text cannot rewrite what is shown.
/// </summary>
internal sealed class AuditTable(TextWriter output)
{
    public const int Width = 120;

    private static readonly (string Name, int Width, bool Right)[] Columns =
    [
        ("SEQ", 6, true),
        ("TIME (UTC)", 19, false),
        ("KIND", 18, false),
        ("USER", 10, false),
        ("RESOURCE", 12, false),
        ("DECISION", 8, false),
        ("OUTCOME", 10, false),
    ];

    private static readonly int TextWidth = Width - Columns.Sum(c => c.Width + 1);

    private bool _headerWritten;

    public long Rows { get; private set; }

    public void Write(AuditRow row)
    {
        if (!_headerWritten)
        {
            WriteLine([.. Columns.Select(c => c.Name), "TEXT"]);
            _headerWritten = true;
        }

        StoredAuditEvent? stored;
        try
        {
            stored = AuditEventJson.Deserialize(row.Body);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            stored = null;
        }

        var e = stored?.Event;
        WriteLine(
        [
            row.Seq.ToString(CultureInfo.InvariantCulture),
            UnixMicros.ToTime(row.TimeMicros).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            row.Kind,
            row.User ?? "-",
            row.Resource ?? "-",
            row.Decision ?? "-",
            e is null ? "?" : Outcome(e),
            e is null ? "(unreadable record: run airlock audit verify)" : Text(e),
        ]);
        Rows++;
    }

    private static string Outcome(AuditEvent e) => (e.Outcome, e.Rows) switch
    {
        (null, null) => "-",
        ({ } outcome, null) => outcome,
        (null, { } rows) => $"{rows} rows",
        ({ } outcome, { } rows) => $"{outcome}/{rows}",
    };

    /// <summary>What was done, most telling first: the statement, argv or request; else the error; else the details.</summary>
    private static string Text(AuditEvent e)
    {
        if (!string.IsNullOrEmpty(e.Text))
        {
            return e.Text;
        }

        if (!string.IsNullOrEmpty(e.Error))
        {
            return $"error{(e.ErrorCode is null ? string.Empty : " " + e.ErrorCode)}: {e.Error}";
        }

        if (e.Detail is { Count: > 0 } detail)
        {
            return string.Join(' ', detail.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        }

        return e.Rule is { } rule ? $"rule {rule}" : "-";
    }

    private void WriteLine(string[] cells)
    {
        var line = new StringBuilder(Width + 16);
        for (var i = 0; i < Columns.Length; i++)
        {
            var (_, width, right) = Columns[i];
            // Sequence numbers are never cut: the column grows instead.
            var cell = i == 0 ? cells[i] : Fit(cells[i], width);
            line.Append(right ? cell.PadLeft(width) : cell.PadRight(width)).Append(' ');
        }

        line.Append(Fit(cells[^1], TextWidth));
        output.WriteLine(line.ToString().TrimEnd());
    }

    /// <summary>One line, at most <paramref name="width"/> characters, control characters and runs of spaces collapsed.</summary>
    private static string Fit(string value, int width)
    {
        value = TerminalText.Line(value.Replace('\r', ' ').Replace('\n', ' ').Replace('\t', ' '));
        var text = new StringBuilder(Math.Min(value.Length, width + 1));
        var space = false;
        foreach (var c in value)
        {
            var blank = char.IsWhiteSpace(c) || char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;
            if (blank && (space || text.Length == 0))
            {
                continue;
            }

            text.Append(blank ? ' ' : c);
            space = blank;
            if (text.Length > width)
            {
                break;
            }
        }

        var fitted = text.ToString().TrimEnd();
        return fitted.Length <= width ? fitted : string.Concat(fitted.AsSpan(0, width - 1), "…");
    }
}
