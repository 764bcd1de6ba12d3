using System.Text;
using Airlock.Masking;
using Airlock.Masking.Detection;
using Airlock.Masking.Strategies;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// The inputs of the masking benchmarks, built once per process from fixed seeds, and the size of each:
/// what the throughput columns divide by. MB here is 10^6 bytes of UTF-8 input (the corpus is ASCII, so
/// one byte per character).
/// </summary>
internal sealed class MaskingWorkload
{
    private static readonly Lazy<MaskingWorkload> Instance = new(() => new MaskingWorkload());

    private MaskingWorkload()
    {
        LogLines = LogCorpus.Lines();
        Log = LogCorpus.Join(LogLines);
        (Rows, PlantedInTable) = TableCorpus.Rows();
        (Json, JsonSensitiveKeys, PlantedInJson) = JsonCorpus.Document();
        LogBytes = Encoding.UTF8.GetByteCount(Log.Text);
        TableValues = Rows.Length * TableCorpus.Columns.Length;
        TableBytes = Rows.Sum(row => row.Sum(value => value is null ? 0 : Encoding.UTF8.GetByteCount(value)));
    }

    public static MaskingWorkload Shared => Instance.Value;

    public IReadOnlyList<LabelledText> LogLines { get; }

    public LabelledText Log { get; }

    public long LogBytes { get; }

    public string?[][] Rows { get; }

    public int PlantedInTable { get; }

    public long TableValues { get; }

    public long TableBytes { get; }

    public byte[] Json { get; }

    public int JsonSensitiveKeys { get; }

    public int PlantedInJson { get; }

    /// <summary>An engine with every detector in the catalog and a fixed key, so output is the same on every run.</summary>
    public static MaskingEngine CreateEngine() => new(new MaskingProfile { Key = MaskingKey.FromText("airlock-masking-benchmark") });

    /// <summary>The entity types the catalog has a detector for: labels of other types are not expected to be found.</summary>
    public static IReadOnlySet<string> DetectedTypes() => DetectorCatalog.All.Select(d => d.EntityType).ToHashSet(StringComparer.Ordinal);

    /// <summary>Input bytes and values one call of a benchmark method masks.</summary>
    public (long Bytes, long Values) WorkOf(string benchmarkMethod) => benchmarkMethod switch
    {
        nameof(MaskingBenchmarks.MaskLog) or nameof(MaskingBenchmarks.MaskLogIntoBuffer) or nameof(MaskingBenchmarks.StreamLog) => (LogBytes, LogLines.Count),
        nameof(MaskingBenchmarks.MaskTable) => (TableBytes, TableValues),
        nameof(MaskingBenchmarks.MaskJson) => (Json.Length, 0),
        _ => (0, 0),
    };
}
