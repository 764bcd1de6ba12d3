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
    [InlineData(2)]
    [InlineData(1000)]
    public void Capacity_is_respected(int capacity)
    {
        var analyzer = new SqlAnalyzer(cacheCapacity: capacity);
        for (var i = 0; i < capacity * 5; i++)
        {
            analyzer.Analyze($"SELECT {i}");
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
            analyzer.Analyze($"SELECT {i}");
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
                analyzer.Analyze($"SELECT {worker} * {i}");
                if (analyzer.CachedCount > capacity)
                {
                    Interlocked.Increment(ref overflow);
                }
            }
        });

        Assert.Equal(0, overflow);
    }
}
