using System.Diagnostics;
using Airlock.Store;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// Passes everything to a real store and times each audit transaction from outside: how many the trail
/// made, how many events each carried, how long <see cref="IAuditLog.AppendAsync"/> took (the time the
/// trail's single writer slot is held for the store), and how much of that was the trail's sealer
/// (numbering, canonical JSON, SHA-256, checkpoint signing) rather than the database. Two timestamps per
/// transaction, nothing per event.
/// </summary>
internal sealed class InstrumentedStore(IAirlockStore inner) : IAirlockStore
{
    private readonly TimedAuditLog _audit = new(inner.Audit);

    public StoreKind Kind => inner.Kind;

    public string Description => inner.Description;

    public AuditDurability Durability => inner.Durability;

    public int SchemaVersion => inner.SchemaVersion;

    public IAuditLog Audit => _audit;

    public ISessionStore Sessions => inner.Sessions;

    public IApprovalStore Approvals => inner.Approvals;

    public IGrantStore Grants => inner.Grants;

    public IApiTokenStore ApiTokens => inner.ApiTokens;

    public ILoginTokenStore LoginTokens => inner.LoginTokens;

    public IMfaStepUpStore MfaStepUps => inner.MfaStepUps;

    public IPolicyRevisionStore PolicyRevisions => inner.PolicyRevisions;

    public TransactionStats Snapshot() => _audit.Snapshot();

    /// <summary>Does not dispose the inner store: its owner does.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Totals since the store was opened; subtract two snapshots for an interval.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
    public readonly record struct TransactionStats(long Transactions, long Events, long AppendTicks, long SealTicks)
    {
        public static TransactionStats operator -(TransactionStats a, TransactionStats b) =>
            new(a.Transactions - b.Transactions, a.Events - b.Events, a.AppendTicks - b.AppendTicks, a.SealTicks - b.SealTicks);

        public double EventsPerTransaction => Events / (double)Math.Max(1, Transactions);

        public double AppendMicrosPerTransaction => AppendTicks * 1e6 / Stopwatch.Frequency / Math.Max(1, Transactions);

        public double SealMicrosPerTransaction => SealTicks * 1e6 / Stopwatch.Frequency / Math.Max(1, Transactions);

        /// <summary>The share of <paramref name="elapsed"/> during which the writer slot was in the store.</summary>
        public double WriterBusy(TimeSpan elapsed) => AppendTicks / (double)Stopwatch.Frequency / elapsed.TotalSeconds;
    }

    private sealed class TimedAuditLog(IAuditLog log) : IAuditLog
    {
        private long _transactions;
        private long _events;
        private long _appendTicks;
        private long _sealTicks;

        public TransactionStats Snapshot() => new(
            Interlocked.Read(ref _transactions), Interlocked.Read(ref _events), Interlocked.Read(ref _appendTicks), Interlocked.Read(ref _sealTicks));

        public async ValueTask AppendAsync(IAuditBatchSealer sealer, CancellationToken cancellationToken = default)
        {
            var timed = new TimedSealer(sealer);
            var start = Stopwatch.GetTimestamp();
            await log.AppendAsync(timed, cancellationToken);
            Interlocked.Add(ref _appendTicks, Stopwatch.GetTimestamp() - start);
            Interlocked.Add(ref _sealTicks, timed.Ticks);
            Interlocked.Add(ref _events, timed.Rows);
            Interlocked.Increment(ref _transactions);
        }

        public ValueTask<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken = default) => log.ReadHeadAsync(cancellationToken);

        public IAsyncEnumerable<AuditRow> ReadAsync(AuditQuery query, CancellationToken cancellationToken = default) => log.ReadAsync(query, cancellationToken);

        public IAsyncEnumerable<AuditCheckpointRow> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => log.ReadCheckpointsAsync(cancellationToken);

        public ValueTask<(long Count, long MaxSeq)> CountAsync(CancellationToken cancellationToken = default) => log.CountAsync(cancellationToken);
    }

    private sealed class TimedSealer(IAuditBatchSealer sealer) : IAuditBatchSealer
    {
        public long Ticks { get; private set; }

        public int Rows { get; private set; }

        public AuditCheckpointRow? Seal(AuditChainHead head, ICollection<AuditRow> rows)
        {
            var start = Stopwatch.GetTimestamp();
            var before = rows.Count;
            var checkpoint = sealer.Seal(head, rows);
            Ticks += Stopwatch.GetTimestamp() - start;
            Rows = rows.Count - before;
            return checkpoint;
        }

        public void Committed() => sealer.Committed();
    }
}
