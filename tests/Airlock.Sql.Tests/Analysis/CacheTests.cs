using Airlock.Sql.Analysis;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>The analyzer's bounded cache: repeated text is served from it, and it never holds more than its capacity.</summary>
public sealed class CacheTests
{
    [Fact]
    public void Repeated_text_returns_the_same_instance()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var first = analyzer.Analyze("SELECT * FROM orders WHERE id = 1");
        var second = analyzer.Analyze("SELECT * FROM orders WHERE id = 1");
        Assert.Same(first, second);
    }

    [Fact]
    public void Different_text_gets_its_own_analysis()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var lower = analyzer.Analyze("select 1");
        var upper = analyzer.Analyze("SELECT 1");
        Assert.NotSame(lower, upper);
        Assert.NotEqual(lower.Statements[0].Normalized, upper.Statements[0].Normalized, StringComparer.Ordinal);
    }

    [Fact]
    public void Failed_parses_are_cached_too()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        Assert.Same(analyzer.Analyze("SELEC 1"), analyzer.Analyze("SELEC 1"));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(4)]
    [InlineData(1000)]
    public void Capacity_is_respected(int capacity)
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: capacity);
        for (var i = 0; i < capacity * 5; i++)
        {
            // Shapes (SELECT cN) and exact texts (SET) fill their halves of the capacity.
            analyzer.Analyze($"SELECT c{i}");
            analyzer.Analyze($"SET search_path = s{i}");
            Assert.True(analyzer.CachedCount <= capacity, $"{analyzer.CachedCount} cached with capacity {capacity}");
        }

        Assert.True(analyzer.CachedCount >= capacity / 2, "the cache holds at least a generation");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_capacity_too_small_for_a_generation_caches_nothing(int capacity)
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: capacity);
        var first = analyzer.Analyze("SELECT 1");
        Assert.Equal(0, analyzer.CachedCount);
        Assert.NotSame(first, analyzer.Analyze("SELECT 1"));
    }

    [Fact]
    public void A_negative_capacity_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqlAnalyzer(cacheCapacity: -1));

    [Fact]
    public void Text_used_often_survives_while_new_text_streams_through()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 20);
        var hot = analyzer.Analyze("SELECT * FROM hot");
        for (var i = 0; i < 1000; i++)
        {
            analyzer.Analyze($"SELECT {i} FROM cold");
            Assert.Same(hot, analyzer.Analyze("SELECT * FROM hot"));
        }
    }

    [Fact]
    public void Text_used_once_is_eventually_evicted()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 10);
        var once = analyzer.Analyze("SELECT 'once'");
        for (var i = 0; i < 100; i++)
        {
            analyzer.Analyze($"SELECT c{i}");
        }

        Assert.NotSame(once, analyzer.Analyze("SELECT 'once'"));
    }

    [Fact]
    public void Text_longer_than_the_limit_is_not_cached()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100, maxCachedLength: 20);
        var sql = "SELECT * FROM orders WHERE id = 1";
        Assert.NotSame(analyzer.Analyze(sql), analyzer.Analyze(sql));
        Assert.Equal(0, analyzer.CachedCount);
    }

    [Fact]
    public void Capacity_is_respected_while_many_threads_add()
    {
        const int capacity = 64;
        var analyzer = new SqlAnalyzer(cacheCapacity: capacity);
        var overflow = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (var i = 0; i < 2000; i++)
            {
                analyzer.Analyze($"SELECT c{worker} * c{i}");
                if (analyzer.CachedCount > capacity)
                {
                    Interlocked.Increment(ref overflow);
                }
            }
        });

        Assert.Equal(0, overflow);
    }

    [Theory]
    [InlineData("SELECT abalance FROM pgbench_accounts WHERE aid = 1", "SELECT abalance FROM pgbench_accounts WHERE aid = 987654")]
    [InlineData("SELECT * FROM orders WHERE note = 'a' AND total > 1.5", "select * from orders where note = 'O''Brien' and total > 2e9")]
    [InlineData("UPDATE orders SET status = 'x' WHERE id = 1", "UPDATE orders SET status = $$y$$ WHERE id = 2")]
    [InlineData("DELETE FROM orders WHERE id = 1 /* c */", "DELETE FROM orders WHERE id = 2 -- other comment")]
    public void Texts_that_differ_only_in_literals_share_one_analysis(string first, string second)
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var a = analyzer.Analyze(first);
        var b = analyzer.Analyze(second);

        // Only when the keywords' spelling matches is it one shape; either way the facts are equal.
        Assert.Equal(a.Kind, b.Kind);
        Assert.Equal(a.AllTables, b.AllTables);
        Assert.Equal(a.Statements[0].Flags, b.Statements[0].Flags);
        Assert.Equal(SqlAnalyzer.AnalyzeUncached(second).Statements[0].Fingerprint, b.Statements[0].Fingerprint);
        if (first.StartsWith("SELECT abalance", StringComparison.Ordinal))
        {
            Assert.Same(a, b);
            Assert.DoesNotContain("987654", b.Statements[0].Normalized!, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("SET standard_conforming_strings = 'on'", "SET standard_conforming_strings = 'off'")]
    [InlineData("SET client_encoding = 'UTF8'", "SET client_encoding = 'SJIS'")]
    [InlineData("SET default_transaction_read_only = 1", "SET default_transaction_read_only = 0")]
    [InlineData("EXPLAIN (ANALYZE 0) DELETE FROM orders", "EXPLAIN (ANALYZE 1) DELETE FROM orders")]
    [InlineData("SET TRANSACTION READ ONLY; SET transaction_read_only = 1", "SET TRANSACTION READ ONLY; SET transaction_read_only = 0")]
    public void Statements_whose_analysis_reads_a_literal_are_not_shared_by_shape(string first, string second)
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var a = analyzer.Analyze(first);
        var b = analyzer.Analyze(second);

        Assert.NotSame(a, b);
        Assert.Equal(SqlAnalyzer.AnalyzeUncached(second).Kind, b.Kind);
        Assert.Equal(SqlAnalyzer.AnalyzeUncached(second).Statements.Select(s => s.Flags), b.Statements.Select(s => s.Flags));
        Assert.NotEqual((a.Kind, a.Statements.Aggregate(SqlFlags.None, (f, s) => f | s.Flags)), (b.Kind, b.Statements.Aggregate(SqlFlags.None, (f, s) => f | s.Flags)));
    }

    [Fact]
    public void A_shape_never_stands_for_text_that_differs_in_more_than_literals()
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var read = analyzer.Analyze("SELECT * FROM orders WHERE id = 1");

        Assert.NotSame(read, analyzer.Analyze("SELECT * FROM orders WHERE id = 1; DELETE FROM orders"));
        Assert.NotSame(read, analyzer.Analyze("SELECT * FROM customers WHERE id = 1"));
        Assert.NotSame(read, analyzer.Analyze("SELECT * FROM orders WHERE id = x"));
        Assert.Equal(StatementKind.Unknown, analyzer.Analyze("SELECT * FROM orders WHERE id = 1\0; DELETE FROM orders").Kind);
        Assert.Equal(StatementKind.Unknown, analyzer.Analyze("SELECT * FROM orders WHERE id = 'unterminated").Kind);
    }

    [Theory]
    [InlineData("SELECT 1::float(5)", "SELECT 1::float(0)")] // the grammar refuses a precision below 1
    [InlineData("SELECT 1::float(5)", "SELECT 1::float(60)")]
    [InlineData("SELECT U&'\\0041'", "SELECT U&'\\zzzz'")] // Unicode escapes are decoded after scanning
    public void A_text_of_a_known_shape_that_does_not_parse_is_still_unknown(string valid, string invalid)
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        Assert.Equal(StatementKind.Read, analyzer.Analyze(valid).Kind);

        var refused = analyzer.Analyze(invalid);
        Assert.Equal(StatementKind.Unknown, refused.Kind);
        Assert.NotNull(refused.Error);
    }

    [Fact]
    public void A_shape_whose_literal_picks_a_type_shares_what_policy_and_masking_read()
    {
        // float(5) is float4 and float(30) float8: one shape and one fingerprint; kind, tables and lineage agree.
        var analyzer = new SqlAnalyzer(cacheCapacity: 100);
        var shared = analyzer.Analyze("SELECT email::float(30) FROM customers");
        var own = SqlAnalyzer.AnalyzeUncached("SELECT email::float(5) FROM customers");
        Assert.Equal(own.Kind, shared.Kind);
        Assert.Equal(own.AllTables, shared.AllTables);
        Assert.Equal(own.Statements[0].Columns.SelectMany(c => c.From), analyzer.Analyze("SELECT email::float(5) FROM customers").Statements[0].Columns.SelectMany(c => c.From));
    }
}
