using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Airlock.Sql.Analysis;

namespace Airlock.Sql.Tests.Support;

/// <summary>
/// Everything an analysis can show anyone, as text: the whole object graph serialized (kinds, commands,
/// tables, functions, flags, fingerprints, normalized text, column names and lineage, the error message
/// and position), which is a superset of what <c>airlock sql classify --json</c> prints and what the
/// gateway logs and audits.
/// </summary>
internal static class AnalysisOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        // Unescaped, so a search for a secret finds it whatever characters it holds.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Text(SqlAnalysis analysis) =>
        JsonSerializer.Serialize(analysis, Options)
        + string.Concat(analysis.Statements.SelectMany(s => s.Flags.ToNames()))
        + analysis.Error?.Message;
}
