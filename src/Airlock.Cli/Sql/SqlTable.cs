using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Cli.Sql;

/// <summary>The readable form of a classification: one block per statement.</summary>
internal static class SqlTable
{
    public static void Write(TextWriter output, SqlAnalysis analysis)
    {
        output.WriteLine($"kind: {analysis.Kind.Name()} ({analysis.Statements.Count} statement{(analysis.Statements.Count == 1 ? string.Empty : "s")})");
        if (analysis.Error is { } error)
        {
            output.WriteLine($"error: {error.Message} (at character {error.CursorPosition})");
        }

        var index = 0;
        foreach (var statement in analysis.Statements)
        {
            index++;
            output.WriteLine();
            output.WriteLine($"#{index}  {statement.Kind.Name(),-11} {statement.Command}");
            Row(output, "normalized", statement.Normalized ?? "-");
            Row(output, "fingerprint", statement.Fingerprint ?? "-");
            Row(output, "tables read", List(statement.TablesRead));
            Row(output, "tables written", List(statement.TablesWritten));
            Row(output, "functions", List(statement.Functions));
            Row(output, "flags", List(statement.Flags.ToNames()));
            if (statement.Columns.Count > 0)
            {
                output.WriteLine("    columns:");
                var width = statement.Columns.Max(c => c.Name.Length);
                foreach (var column in statement.Columns)
                {
                    output.WriteLine($"      {column.Name.PadRight(width)}  <- {(column.From.Count == 0 ? "(no table column)" : string.Join(", ", column.From))}");
                }
            }
        }
    }

    private static void Row(TextWriter output, string label, string value) => output.WriteLine($"    {label + ":",-16}{value}");

    private static string List(IReadOnlyList<string> items) => items.Count == 0 ? "-" : string.Join(", ", items);
}
