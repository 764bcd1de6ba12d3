using Airlock.Audit;
using Airlock.Store;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// Many sessions appending at once on SQLite. One operation is <see cref="Writers"/> concurrent writers
/// (tasks on the thread pool) that each append <see cref="EventsPerOperation"/> / Writers intent events one
/// after the other, each awaited before the next, as a session waits for its intent before it forwards
/// the statement. OperationsPerInvoke is the number of events, so the reported time is per event:
/// events/s = 10^9 / ns, and Allocated is bytes per event.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class AuditAppendThroughputBenchmarks
{
    public const int EventsPerOperation = 4096;

    private BenchStore _store = null!;
    private AuditSigningKey _key = null!;
    private AuditTrail _trail = null!;
    private Task[] _tasks = null!;

    [Params(1, 16, 64)]
    public int Writers { get; set; }

    [Params(AuditDurability.Crash, AuditDurability.Power)]
    public AuditDurability Durability { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        if (EventsPerOperation % Writers != 0)
        {
            throw new InvalidOperationException($"{EventsPerOperation} events do not split evenly over {Writers} writers");
        }

        _store = await BenchStore.OpenAsync(StoreKind.Sqlite, Durability);
        _key = AuditSigningKey.Generate();
        _trail = new AuditTrail(_store.Store, _key);
        _tasks = new Task[Writers];

        // Check what is timed: one operation appends exactly EventsPerOperation events, and they verify.
        await AppendConcurrentlyAsync();
        var head = await _store.Store.Audit.ReadHeadAsync();
        if (head.Seq != EventsPerOperation)
        {
            throw new InvalidOperationException($"one operation appended {head.Seq} events, expected {EventsPerOperation}");
        }

        var verification = await AuditVerifier.VerifyAsync(_store.Store.Audit, [_key.PublicKey]);
        if (!verification.Ok)
        {
            throw new InvalidOperationException($"the trail does not verify: {verification.Problem}");
        }
    }

    [Benchmark(OperationsPerInvoke = EventsPerOperation, Description = "concurrent appends, time per event (SQLite)")]
    public async Task AppendConcurrentlyAsync()
    {
        var perWriter = EventsPerOperation / Writers;
        for (var w = 0; w < _tasks.Length; w++)
        {
            var first = w;
            _tasks[w] = Task.Run(() => WriteAsync(first, perWriter));
        }

        await Task.WhenAll(_tasks);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _trail.DisposeAsync();
        var verification = await AuditVerifier.VerifyAsync(_store.Store.Audit, [_key.PublicKey]);
        Console.WriteLine($"// trail after the run: {verification.EventsChecked:N0} events, {verification.CheckpointsChecked:N0} checkpoints, ok = {verification.Ok}");
        if (!verification.Ok)
        {
            throw new InvalidOperationException($"the trail does not verify after the run: {verification.Problem}");
        }

        await _store.DisposeAsync();
        _key.Dispose();
    }

    private async Task WriteAsync(int writer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await _trail.AppendAsync(AuditSample.Events[(writer + i) & 63]);
        }
    }
}
