using Airlock.Audit;
using Airlock.Store;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// <see cref="AuditVerifier"/>.VerifyAsync over a trail of <see cref="Events"/> intent events on SQLite (built
/// once in GlobalSetup by 64 concurrent writers through <see cref="AuditTrail"/>, with a checkpoint signed
/// once 1,000 events are unsigned, so one per 1,000 to 1,064 events), with the public key, so every hash,
/// column and checkpoint signature is checked. OperationsPerInvoke is the number of events: the time is
/// per event, events/s = 10^9 / ns. The second benchmark only reads the rows through the store (no
/// checks), the floor that verify cannot go under.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class AuditVerifyBenchmarks
{
    public const int Events = 100_000;

    private BenchStore _store = null!;
    private AuditSigningKey _key = null!;
    private AuditVerifyingKey[] _keys = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = await BenchStore.OpenAsync(StoreKind.Sqlite, AuditDurability.Crash);
        _key = AuditSigningKey.Generate();
        _keys = [_key.PublicKey];
        await AuditTrailBuilder.BuildAsync(_store.Store, _key, Events, writers: 64);

        var verification = await VerifyAsync();
        if (!verification.Ok || verification.EventsChecked != Events || verification.LastSignedSeq != Events || verification.CheckpointsChecked < Events / 2000)
        {
            throw new InvalidOperationException($"the built trail does not verify as expected: {verification.Problem}, {verification.EventsChecked} events, {verification.CheckpointsChecked} checkpoints");
        }

        Console.WriteLine($"// trail: {verification.EventsChecked:N0} events, {verification.CheckpointsChecked:N0} checkpoints, {_store.SqliteBytes():N0} bytes on disk");
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "verify, time per event (SQLite, signatures checked)")]
    public async Task<AuditVerification> VerifyAsync() => await AuditVerifier.VerifyAsync(_store.Store.Audit, _keys);

    [Benchmark(OperationsPerInvoke = Events, Description = "read rows only, time per event (SQLite, no checks)")]
    public async Task<long> ReadRowsAsync()
    {
        long bytes = 0;
        await foreach (var row in _store.Store.Audit.ReadAsync(AuditQuery.All))
        {
            bytes += row.Body.Length;
        }

        return bytes;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        _key.Dispose();
    }
}
