using Airlock.Sql.Analysis;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Sql;

/// <summary>
/// Parse plus classify (kind, tables, functions, flags, lineage, fingerprint, normalized text) with
/// PostgreSQL's own parser, uncached, and the cached repeat of the same text.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class SqlAnalysisBenchmarks
{
    private readonly SqlAnalyzer _analyzer = new();
    private long _literal = 42;

    [GlobalSetup]
    public void Setup()
    {
        // Check what is timed: a wrong answer fast is no result.
        Expect(SqlAnalyzer.AnalyzeUncached(SqlStatements.Short), 1, "read");
        Expect(SqlAnalyzer.AnalyzeUncached(SqlStatements.Report), 1, "read");
        Expect(SqlAnalyzer.AnalyzeUncached(SqlStatements.Script), 100, "write");
        _analyzer.Analyze(SqlStatements.Short);
    }

    [Benchmark(Description = "short query, uncached")]
    public SqlAnalysis ShortQuery() => SqlAnalyzer.AnalyzeUncached(SqlStatements.Short);

    [Benchmark(Description = "short query, repeat (cache)")]
    public SqlAnalysis ShortQueryRepeat() => _analyzer.Analyze(SqlStatements.Short);

    /// <summary>A simple-protocol client: the same statement with a new literal each time, served by shape.</summary>
    [Benchmark(Description = "short query, new literal (shape cache)")]
    public SqlAnalysis ShortQueryNewLiteral() => _analyzer.Analyze(SqlStatements.Short.Replace("= 42", $"= {++_literal}", StringComparison.Ordinal));

    [Benchmark(Description = "5 KB report, uncached")]
    public SqlAnalysis ReportQuery() => SqlAnalyzer.AnalyzeUncached(SqlStatements.Report);

    [Benchmark(Description = "100-statement script, uncached")]
    public SqlAnalysis Script() => SqlAnalyzer.AnalyzeUncached(SqlStatements.Script);

    private static void Expect(SqlAnalysis analysis, int statements, string kind)
    {
        if (analysis.Error is not null || analysis.Statements.Count != statements || Airlock.Sql.StatementKinds.Name(analysis.Kind) != kind)
        {
            throw new InvalidOperationException($"unexpected analysis: {analysis.Statements.Count} statements, kind {analysis.Kind}, error {analysis.Error?.Message}");
        }
    }
}
