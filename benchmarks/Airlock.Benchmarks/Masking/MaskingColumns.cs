using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Airlock.Benchmarks.Masking;

/// <summary>Adds throughput and allocation-per-MB columns, both computed from the median.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class MaskingColumnsAttribute() : ColumnConfigBaseAttribute(new ThroughputColumn(), new AllocatedPerMegabyteColumn());

/// <summary>
/// Throughput from the median: MB/s = input bytes / 10^6 / median seconds, and for the table also
/// values/s = values / median seconds.
/// </summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => false;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Input MB (10^6 bytes of UTF-8) per second, and values per second for tables, from the median";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var median = summary[benchmarkCase]?.ResultStatistics?.Median;
        if (median is not > 0)
        {
            return "-";
        }

        var seconds = median.Value / 1e9;
        var (bytes, values) = MaskingWorkload.Shared.WorkOf(benchmarkCase.Descriptor.WorkloadMethod.Name);
        var text = $"{bytes / 1e6 / seconds:N1} MB/s";
        return benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(MaskingBenchmarks.MaskTable)
            ? $"{values / seconds / 1e6:N2} M values/s ({text})"
            : text;
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

/// <summary>Managed bytes allocated per operation divided by the input size in MB (10^6 bytes).</summary>
internal sealed class AllocatedPerMegabyteColumn : IColumn
{
    public string Id => nameof(AllocatedPerMegabyteColumn);

    public string ColumnName => "Alloc/MB";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Size;

    public string Legend => "Managed bytes allocated per MB (10^6 bytes) of input";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        var allocated = report?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        var (bytes, _) = MaskingWorkload.Shared.WorkOf(benchmarkCase.Descriptor.WorkloadMethod.Name);
        if (allocated is null || bytes == 0)
        {
            return "-";
        }

        var perMegabyte = allocated.Value / (bytes / 1e6);
        return perMegabyte >= 1024 * 1024 ? $"{perMegabyte / 1024 / 1024:N2} MiB" : $"{perMegabyte / 1024:N1} KiB";
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
