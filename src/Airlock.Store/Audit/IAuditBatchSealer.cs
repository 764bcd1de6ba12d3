namespace Airlock.Store;

/// <summary>Builds the rows of one append batch from the head read under the store's write lock.</summary>
public interface IAuditBatchSealer
{
    /// <summary>
    /// Called inside the write transaction. Fills <paramref name="rows"/> with events numbered from
    /// <c>head.Seq + 1</c> and chained from <c>head.Hash</c>, and returns a checkpoint to write with them, or null.
    /// May be called again with a fresh head if the transaction is retried.
    /// </summary>
    AuditCheckpointRow? Seal(AuditChainHead head, ICollection<AuditRow> rows);

    /// <summary>Called after the batch is durable.</summary>
    void Committed();
}
