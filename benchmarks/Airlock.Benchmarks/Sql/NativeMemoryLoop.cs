using System.Diagnostics;
using Airlock.Sql.Analysis;

namespace Airlock.Benchmarks.Sql;

/// <summary>
/// <c>--sql-memory N</c>: classifies statements N times, uncached, and prints the process's resident memory
/// every tenth of the way. Flat memory shows that every libpg_query result is freed.
/// </summary>
internal static class NativeMemoryLoop
{
    private static readonly string[] Inputs =
    [
        SqlStatements.Short,
        "WITH d AS (DELETE FROM t RETURNING *) SELECT c.email, upper(c.full_name) FROM customers c JOIN d ON true",
        "SELEC broken FROM", // the error path frees its result too
        "CREATE ROLE r PASSWORD 'x'; SELECT pg_terminate_backend(1); COPY t TO PROGRAM 'cat'",
    ];

    public static int Run(string[] args)
    {
        var total = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
        var step = Math.Max(1, total / 10);
        var stopwatch = Stopwatch.StartNew();
        Console.WriteLine($"{"parses",10} {"RSS MiB",8} {"managed MiB",12} {"seconds",8}");
        for (var i = 0; i <= total; i++)
        {
            if (i % step == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Console.WriteLine($"{i,10:N0} {Rss() / 1024.0 / 1024.0,8:F1} {GC.GetTotalMemory(false) / 1024.0 / 1024.0,12:F1} {stopwatch.Elapsed.TotalSeconds,8:F1}");
            }

            SqlAnalyzer.AnalyzeUncached(Inputs[i % Inputs.Length]);
        }

        return 0;
    }

    private static long Rss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }
}
