using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Sql.Tests.Support;

/// <summary>Analyzes SQL with the real engine (libpg_query), uncached, so each test sees a fresh answer.</summary>
internal static class Engine
{
    public static SqlAnalysis Analyze(string sql) => SqlAnalyzer.AnalyzeUncached(sql);

    public static StatementKind KindOf(string sql) => Analyze(sql).Kind;

    /// <summary>The one statement of a string that must parse.</summary>
    public static StatementAnalysis Single(string sql)
    {
        var analysis = Analyze(sql);
        Assert.True(analysis.Error is null, $"{sql} failed to parse: {analysis.Error?.Message}");
        return Assert.Single(analysis.Statements);
    }

    public static IReadOnlyList<string> FlagsOf(string sql) => [.. Analyze(sql).Statements.SelectMany(s => s.Flags.ToNames()).Distinct(StringComparer.Ordinal)];

    /// <summary>A column's lineage by output position.</summary>
    public static IReadOnlyList<string> Lineage(string sql, int column) => Single(sql).Columns[column].From;
}
