using System.Buffers;
using Airlock.Masking;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// The masking engine with every detector in the catalog: a 1 MB application log masked whole and as a
/// stream in 4 KB chunks, a 10,000 × 8 result set masked value by value through one
/// <see cref="ColumnMasker"/> per column, and a 250 KB JSON API response. Throughput is computed from the
/// median (see <see cref="ThroughputColumn"/>); "Alloc/MB" is Allocated divided by the input's MB.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
[MaskingColumns]
public class MaskingBenchmarks
{
    private const int ChunkLength = 4096;

    private readonly CountingWriter _sink = new();
    private readonly System.Text.StringBuilder _buffer = new(2 * 1024 * 1024);
    private readonly ArrayBufferWriter<byte> _json = new(512 * 1024);
    private MaskingEngine _engine = null!;
    private MaskingWorkload _workload = null!;
    private string _log = null!;
    private ColumnMasker[] _maskers = null!;

    [GlobalSetup]
    public void Setup()
    {
        _engine = MaskingWorkload.CreateEngine();
        _workload = MaskingWorkload.Shared;
        _log = _workload.Log.Text;
        _maskers = [.. TableCorpus.Columns.Select(name => _engine.ForColumn(name))];
        Console.WriteLine($"// masking detectors: {string.Join(", ", _engine.DetectorNames)}");

        // Check what is timed: a wrong answer fast is no result.
        MaskingChecks.Log(_engine, _workload.Log);
        MaskingChecks.Stream(_engine, _log);
        _buffer.Clear();
        _engine.Mask(_log.AsSpan(), _buffer);
        if (!string.Equals(_buffer.ToString(), _engine.Mask(_log), StringComparison.Ordinal))
        {
            throw new InvalidOperationException("masking into a buffer differs from masking the whole text");
        }
        MaskingChecks.Table(_maskers, _workload.Rows, _workload.PlantedInTable);
        MaskingChecks.Json(_engine, _workload.Json, _workload.JsonSensitiveKeys, _workload.PlantedInJson);
    }

    [Benchmark(Description = "1 MB log, Mask (whole text)")]
    public string MaskLog() => _engine.Mask(_log);

    /// <summary>The gateway's form: the same masking into a builder it reuses, without a new 2 MB string per call.</summary>
    [Benchmark(Description = "1 MB log, Mask into a reused buffer")]
    public int MaskLogIntoBuffer()
    {
        _buffer.Clear();
        return _engine.Mask(_log.AsSpan(), _buffer);
    }

    [Benchmark(Description = "1 MB log, stream in 4 KB chunks")]
    public long StreamLog()
    {
        _sink.Count = 0;
        using (var stream = _engine.CreateStream(_sink))
        {
            var text = _log.AsSpan();
            while (!text.IsEmpty)
            {
                var chunk = text[..Math.Min(ChunkLength, text.Length)];
                stream.Write(chunk);
                text = text[chunk.Length..];
            }
        }

        return _sink.Count;
    }

    [Benchmark(Description = "10,000 rows x 8 columns, ColumnMasker")]
    public long MaskTable()
    {
        long length = 0;
        var maskers = _maskers;
        foreach (var row in _workload.Rows)
        {
            for (var c = 0; c < maskers.Length; c++)
            {
                length += maskers[c].Mask(row[c])?.Length ?? 0;
            }
        }

        return length;
    }

    [Benchmark(Description = "250 KB JSON response, JsonMasker")]
    public int MaskJson()
    {
        _json.ResetWrittenCount();
        JsonMasker.TryMask(_engine, _workload.Json, _json);
        return _json.WrittenCount;
    }
}
