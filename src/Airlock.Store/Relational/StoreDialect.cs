using System.Data.Common;

namespace Airlock.Store.Relational;

/// <summary>
/// What differs between the two backends. Everything else (the SQL of reads and writes, migrations
/// bookkeeping, the audit append transaction) is shared in the Relational* classes, so both stores run the
/// same code paths and one conformance suite covers both.
/// </summary>
internal abstract class StoreDialect : IAsyncDisposable
{
    public abstract StoreKind Kind { get; }

    public abstract string Description { get; }

    /// <summary>Schema migrations in version order. Versions never change once released; add new ones.</summary>
    public abstract IReadOnlyList<StoreMigration> Migrations { get; }

    /// <summary>Appended to the SELECT of the audit head inside the append transaction.</summary>
    public abstract string LockHeadClause { get; }

    /// <summary>Opens a connection for general use, set up for this store's durability.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Opens the long-lived connection of the audit append path.</summary>
    public virtual ValueTask<DbConnection> OpenAuditWriterAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Begins a transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE).</summary>
    public abstract ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Serializes migrations between processes that open the same store at once.</summary>
    public abstract ValueTask LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Writes one batch of audit rows inside the append transaction.</summary>
    public abstract ValueTask InsertAuditRowsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken);

    /// <summary>Called after any write commits, before it is acknowledged (crash mode schedules the grouped fsync).</summary>
    public virtual void Committed()
    {
    }

    /// <summary>Turns a backend exception into a <see cref="StoreException"/> with a stable id, or returns null if it is not a store failure.</summary>
    public abstract StoreException? Translate(Exception exception);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
