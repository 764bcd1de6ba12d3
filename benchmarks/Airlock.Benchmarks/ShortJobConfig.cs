using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;

namespace Airlock.Benchmarks;

/// <summary>
/// A short job for a small, shared machine: one process per case, few iterations, the median reported
/// (it shrugs off the noisy neighbours that move the mean), and a JSON report for scripts to read.
/// </summary>
public sealed class ShortJobConfig : ManualConfig
{
    public ShortJobConfig()
    {
        AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(5)
            .WithIterationCount(15)
            .WithId("Short"));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95);
        AddExporter(JsonExporter.Full);

        // The generated project builds every referenced project again (the audit benchmarks pull in the
        // store, the audit trail and the test support): on a busy 2-core machine that can pass the default 2 minutes.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
    }
}
