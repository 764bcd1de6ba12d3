using System.Text.Json;
using System.Text.Json.Serialization;
using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline;

/// <summary>
/// What the parser made of a held statement, shown to its deciders beside the exact text (issue 14, class H):
/// the normalized text (literals replaced by <c>$n</c>, comments gone, so no comment or literal can hide a
/// clause), and each statement's kind, command and tables. Stored with the request as JSON.
/// </summary>
public sealed record ApprovalStructure
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The statements normalized, joined with <c>; </c>: what the audit keeps as the text.</summary>
    public required string Normalized { get; init; }

    /// <summary>The most dangerous kind among the statements.</summary>
    public required string Kind { get; init; }

    public IReadOnlyList<Statement> Statements { get; init; } = [];

    /// <summary>The parser's error (input stripped) when the text does not parse.</summary>
    public string? ParseError { get; init; }

    /// <summary>One statement of the text.</summary>
    public sealed record Statement(string Kind, string Command, string? Normalized, IReadOnlyList<string> TablesWritten, IReadOnlyList<string> TablesRead, IReadOnlyList<string> Functions, IReadOnlyList<string> Flags);

    public static ApprovalStructure Of(SqlAnalysis analysis, string normalized)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        return new ApprovalStructure
        {
            Normalized = normalized,
            Kind = analysis.Kind.Name(),
            ParseError = analysis.Error?.Message,
            Statements = [.. analysis.Statements.Select(s => new Statement(s.Kind.Name(), s.Command, s.Normalized, s.TablesWritten, s.TablesRead, s.Functions, s.Flags.ToNames()))],
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored structure, or null for a request made before it was kept (schema version 3).</summary>
    public static ApprovalStructure? FromJson(string? json) => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<ApprovalStructure>(json, Json);
}
