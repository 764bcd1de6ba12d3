using Airlock.Audit;
using Airlock.Store;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// What one append adds to an action: a single writer, no contention, one awaited
/// <see cref="AuditTrail.AppendAsync"/> of a realistic intent event (<see cref="AuditSample"/>) on SQLite, in
/// <c>crash</c> mode (WAL written, fsync grouped every 10 ms by the store's timer) and <c>power</c> mode (WAL
/// fsynced at every commit). Every append is its own transaction here: nothing else is queued to share it.
/// The trail signs a checkpoint every 1,000 events (the default), so one ECDSA signature in 1,000 appends is
/// part of the time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class AuditAppendLatencyBenchmarks
{
    private BenchStore _store = null!;
    private AuditSigningKey _key = null!;
    private AuditTrail _trail = null!;
    private int _next;

    [Params(AuditDurability.Crash, AuditDurability.Power)]
    public AuditDurability Durability { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = await BenchStore.OpenAsync(StoreKind.Sqlite, Durability);
        _key = AuditSigningKey.Generate();
        _trail = new AuditTrail(_store.Store, _key);

        // Check what is timed: appends must land, numbered, and the trail must verify.
        for (var i = 0; i < 100; i++)
        {
            var receipt = await _trail.AppendAsync(AuditSample.Events[i % AuditSample.Events.Length]);
            if (receipt.Seq != i + 1)
            {
                throw new InvalidOperationException($"append {i + 1} was numbered {receipt.Seq}");
            }
        }

        await _trail.CheckpointAsync();
        var verification = await AuditVerifier.VerifyAsync(_store.Store.Audit, [_key.PublicKey]);
        if (!verification.Ok || verification.EventsChecked != 100 || verification.LastSignedSeq != 100)
        {
            throw new InvalidOperationException($"the trail does not verify after 100 appends: {verification.Problem}");
        }
    }

    [Benchmark(Description = "one awaited append (intent event, SQLite, single writer)")]
    public ValueTask<AuditReceipt> AppendAsync() => _trail.AppendAsync(AuditSample.Events[_next++ & 63]);

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _trail.DisposeAsync();
        var verification = await AuditVerifier.VerifyAsync(_store.Store.Audit, [_key.PublicKey]);
        Console.WriteLine($"// trail after the run: {verification.EventsChecked:N0} events, {verification.CheckpointsChecked:N0} checkpoints, ok = {verification.Ok}, verified in {verification.Elapsed.TotalSeconds:F2} s");
        if (!verification.Ok)
        {
            throw new InvalidOperationException($"the trail does not verify after the run: {verification.Problem}");
        }

        await _store.DisposeAsync();
        _key.Dispose();
    }
}
