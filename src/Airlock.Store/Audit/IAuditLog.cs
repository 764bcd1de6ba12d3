namespace Airlock.Store;

/// <summary>
/// The persistence half of the audit trail. It knows rows, transactions and durability; the content of
/// events, their hashes and checkpoint signatures belong to Airlock.Audit, which hands a sealer in.
/// </summary>
public interface IAuditLog
{
    /// <summary>
    /// Appends one batch in one transaction: locks and reads the chain head, lets <paramref name="sealer"/>
    /// number, serialize and hash the events (and sign a checkpoint when one is due), writes the rows and
    /// commits. Returns when the batch is as durable as <see cref="IAirlockStore.Durability"/> promises.
    /// Reading the head inside the transaction keeps one chain even when several gateways share a store.
    /// </summary>
    ValueTask AppendAsync(IAuditBatchSealer sealer, CancellationToken cancellationToken = default);

    /// <summary>The head as committed: last sequence number, its hash, and the last checkpoint.</summary>
    ValueTask<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams events in sequence order, filtered by <paramref name="query"/>, without buffering the trail.</summary>
    IAsyncEnumerable<AuditRow> ReadAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>Streams checkpoints in order.</summary>
    IAsyncEnumerable<AuditCheckpointRow> ReadCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts the events and returns the highest sequence number (for progress reporting).</summary>
    ValueTask<(long Count, long MaxSeq)> CountAsync(CancellationToken cancellationToken = default);
}
