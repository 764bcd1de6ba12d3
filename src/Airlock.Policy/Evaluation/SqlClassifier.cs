using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Policy.Evaluation;

/// <summary>What the SQL engine says a statement is, in the terms policy decides on.</summary>
public sealed record ClassifiedSql(StatementKind Kind, string[] Tables, string? Error);

/// <summary>
/// Classifies SQL text for policy. Hosts use <see cref="SqlClassifiers.PostgresParser"/>; tests may plug
/// in a hand-written fake.
/// </summary>
public delegate ClassifiedSql SqlClassifier(string sql);

/// <summary>The classifiers policy can use.</summary>
public static class SqlClassifiers
{
    /// <summary>PostgreSQL's own parser (libpg_query) through the SQL engine: the kind of the whole text and every table it touches.</summary>
    public static SqlClassifier PostgresParser { get; } = sql =>
    {
        var analysis = Airlock.Sql.Analysis.SqlAnalyzer.Shared.Analyze(sql);
        return new ClassifiedSql(analysis.Kind, analysis.AllTables, analysis.Error?.Message);
    };
}
