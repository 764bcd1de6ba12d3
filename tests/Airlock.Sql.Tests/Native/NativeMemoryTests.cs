using System.Runtime;
using Airlock.Sql.Analysis;
using Airlock.Sql.Native;
using Xunit.Abstractions;

namespace Airlock.Sql.Tests.Native;

[CollectionDefinition(nameof(NativeMemoryTests), DisableParallelization = true)]
public sealed class NativeMemoryCollection;

/// <summary>
/// Every libpg_query result is freed: many calls, failing ones included, leave the process's resident
/// memory (VmRSS) where a warm-up left it, give or take a generous bound. Not a timing test. Runs alone,
/// so other tests do not move RSS.
/// </summary>
[Collection(nameof(NativeMemoryTests))]
public sealed class NativeMemoryTests(ITestOutputHelper output)
{
    private const long MB = 1024 * 1024;

    /// <summary>
    /// A mix that makes each native result large, so a leak of any one shows: a long comment (kept in the
    /// normalized text), several statements (a fingerprint, normalize and scan each), parse errors, and a
    /// statement refused for depth after a large parse tree came back.
    /// </summary>
    private static readonly string[] Statements =
    [
        $"SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 10 /* {new string('x', 2000)} */",
        $"WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING *) SELECT * FROM d; SELECT nextval('s') -- {new string('y', 1000)}\n; COMMIT",
        "CREATE USER MAPPING FOR app SERVER s OPTIONS (user 'app', password 'hunter2'); COPY t TO PROGRAM 'gzip'",
        "SELECT 'a'b, E'x\\'y', $$dollar$$",
        "SELECT 'unterminated",
        "SELEC 1 FROM nowhere",
        "SELECT 1 FROM a.b.c.d",
        "SELECT * FROM " + string.Concat(Enumerable.Repeat("(SELECT * FROM ", 300)) + "t" + string.Concat(Enumerable.Repeat(") s", 300)),
    ];

    [Fact]
    public void Two_hundred_thousand_analyses_do_not_grow_resident_memory()
    {
        var growth = Growth(200_000, i => SqlAnalyzer.AnalyzeUncached(Statements[i % Statements.Length]));
        Assert.True(growth < 40 * MB, $"resident memory grew by {growth / MB} MB over 200,000 analyses");
    }

    /// <summary>
    /// Each native call on its own, so a leak of a small result (a 16-digit fingerprint) is not lost in the
    /// noise of the whole pipeline: half a million calls leaking 32 bytes each would add 16 MB, over the 12 MB bound.
    /// </summary>
    [Theory]
    [InlineData("parse")]
    [InlineData("parse error")]
    [InlineData("fingerprint")]
    [InlineData("normalize")]
    [InlineData("scan")]
    public void Each_native_call_frees_its_result(string call)
    {
        const string sql = "SELECT a, b FROM t WHERE c = 'x' AND d IN (1, 2) -- note";
        Action<int> run = call switch
        {
            "parse" => _ => PgQuery.Parse(sql),
            "parse error" => _ => PgQuery.Parse("SELECT 'unterminated"),
            "fingerprint" => _ => PgQuery.Fingerprint(sql),
            "normalize" => _ => PgQuery.Normalize(sql),
            _ => _ => PgQuery.Scan(sql),
        };

        var growth = Growth(500_000, run);
        Assert.True(growth < 12 * MB, $"resident memory grew by {growth / MB} MB over 500,000 {call} calls");
    }

    private long Growth(int calls, Action<int> call)
    {
        if (!File.Exists("/proc/self/status"))
        {
            output.WriteLine("no /proc/self/status here: resident memory cannot be read, nothing measured");
            return 0;
        }

        // Warm up with as many calls as are measured: glibc's arenas and libpg_query's memory contexts keep
        // blocks they have grown to, so a short warm-up left up to 9 MB of one-off growth inside the
        // measurement (seen once in CI). A leak grows with every call and still shows after this.
        for (var i = 0; i < calls; i++)
        {
            call(i);
        }

        var before = SettledRss();
        for (var i = 0; i < calls; i++)
        {
            call(i);
        }

        var after = SettledRss();
        output.WriteLine($"VmRSS after warm-up {before / 1024} kB, after {calls} more calls {after / 1024} kB");
        return after - before;
    }

    private static long SettledRss()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS missing from /proc/self/status");
    }
}
