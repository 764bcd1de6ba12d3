using Airlock.Audit;
using Airlock.Store;
using BenchmarkDotNet.Attributes;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// The store's half of an append alone: <see cref="IAuditLog.AppendAsync"/> with a sealer that hands over
/// ready rows (bodies serialized and hashed once, in GlobalSetup), one transaction of 1 row and one of 100
/// rows, per store and durability mode. The time is per event (OperationsPerInvoke = rows), so
/// per-event(1) - per-event(100) ≈ 0.99 × the fixed cost of a transaction (lock, head read, head update,
/// commit, and the fsync in power mode), and the rest is the cost of one more row. PostgreSQL runs in a
/// throwaway local cluster (<see cref="Airlock.TestSupport.PostgresCluster"/>) on the same machine.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortJobConfig))]
public class AuditStoreBatchBenchmarks
{
    private BenchStore _store = null!;
    private ReadyRows _one = null!;
    private ReadyRows _hundred = null!;

    [Params(StoreKind.Sqlite, StoreKind.Postgres)]
    public StoreKind Store { get; set; }

    [Params(AuditDurability.Crash, AuditDurability.Power)]
    public AuditDurability Durability { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _store = await BenchStore.OpenAsync(Store, Durability);
        var time = DateTimeOffset.UtcNow;
        using var chain = new AuditChain();
        var bodies = AuditSample.Events.Select((e, i) => AuditEventJson.Serialize(e with { Time = time }, i + 1, Guid.CreateVersion7(time))).ToArray();
        var hash = chain.Next(new byte[AuditChainHead.HashLength], bodies[0]);
        _one = new ReadyRows(bodies, hash, 1, UnixMicros.From(time));
        _hundred = new ReadyRows(bodies, hash, 100, UnixMicros.From(time));

        await BatchOf1Async();
        await BatchOf100Async();
        if ((await _store.Store.Audit.ReadHeadAsync()).Seq != 101)
        {
            throw new InvalidOperationException("the store did not take 1 + 100 rows");
        }
    }

    [Benchmark(OperationsPerInvoke = 1, Description = "store: 1 row per transaction, time per row")]
    public ValueTask BatchOf1Async() => _store.Store.Audit.AppendAsync(_one);

    [Benchmark(OperationsPerInvoke = 100, Description = "store: 100 rows per transaction, time per row")]
    public ValueTask BatchOf100Async() => _store.Store.Audit.AppendAsync(_hundred);

    [GlobalCleanup]
    public async Task CleanupAsync() => await _store.DisposeAsync();

    /// <summary>Numbers ready rows from the head it is given; the store checks nothing else.</summary>
    private sealed class ReadyRows(byte[][] bodies, byte[] hash, int count, long timeMicros) : IAuditBatchSealer
    {
        public AuditCheckpointRow? Seal(AuditChainHead head, ICollection<AuditRow> rows)
        {
            for (var i = 0; i < count; i++)
            {
                var e = AuditSample.Events[i & 63];
                rows.Add(new AuditRow
                {
                    Seq = head.Seq + 1 + i,
                    TimeMicros = timeMicros,
                    Kind = e.Kind,
                    User = e.User,
                    Resource = e.Resource,
                    Decision = e.Decision,
                    SessionId = e.SessionId,
                    Body = bodies[i & 63],
                    Hash = hash,
                });
            }

            return null;
        }

        public void Committed()
        {
        }
    }
}
