using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Corpus;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>libpg_query keeps its memory per thread: many threads analyzing at once get the answers one thread gets.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void Many_threads_analyzing_at_once_give_identical_results()
    {
        var statements = StatementCorpus.Entries.Select(e => e.Sql).ToArray();
        var expected = statements.Select(s => AnalysisOutput.Text(SqlAnalyzer.AnalyzeUncached(s))).ToArray();

        const int threads = 16;
        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var round = 0; round < 3; round++)
            {
                // Each thread walks the corpus from a different place, so different statements overlap.
                for (var k = 0; k < statements.Length; k++)
                {
                    var i = (k + (t * 37)) % statements.Length;
                    var actual = AnalysisOutput.Text(SqlAnalyzer.AnalyzeUncached(statements[i]));
                    if (!string.Equals(actual, expected[i], StringComparison.Ordinal))
                    {
                        mismatches.Add(statements[i]);
                    }
                }
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(mismatches);
    }

    [Fact]
    public void A_shared_analyzer_gives_every_thread_the_same_answers()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 64);
        var statements = StatementCorpus.Entries.Select(e => e.Sql).ToArray();
        var expected = statements.Select(s => AnalysisOutput.Text(SqlAnalyzer.AnalyzeUncached(s))).ToArray();

        var mismatches = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        Parallel.For(0, statements.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var i = n % statements.Length;
            var actual = AnalysisOutput.Text(analyzer.Analyze(statements[i]));
            if (!string.Equals(actual, expected[i], StringComparison.Ordinal))
            {
                mismatches.TryAdd(statements[i], actual);
            }
        });

        Assert.Empty(mismatches);
    }
}
