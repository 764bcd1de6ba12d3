using System.Data.Common;

namespace Airlock.Store.Relational;

/// <summary>
/// The append transaction's statements, made once per writer connection and reused with new parameter
/// values: preparing SQL costs more than running these statements, and the append path runs for every action.
/// </summary>
internal sealed class AuditWriterCommands : IAsyncDisposable
{
    private AuditWriterCommands(DbConnection connection, DbCommand readHead, DbCommand updateHead, DbCommand insertCheckpoint)
    {
        Connection = connection;
        ReadHead = readHead;
        UpdateHead = updateHead;
        InsertCheckpoint = insertCheckpoint;
    }

    public DbConnection Connection { get; }

    public DbCommand ReadHead { get; }

    public DbCommand UpdateHead { get; }

    public DbCommand InsertCheckpoint { get; }

    public static AuditWriterCommands For(DbConnection connection, string lockClause)
    {
        var readHead = Db.Command(connection, "SELECT seq, hash, checkpoint_id, checkpoint_seq, checkpoint_time FROM audit_head WHERE id = 1" + lockClause);
        var updateHead = Db.Command(connection, "UPDATE audit_head SET seq = @seq, hash = @hash, checkpoint_id = @cid, checkpoint_seq = @cseq, checkpoint_time = @ctime WHERE id = 1")
            .With("@seq", 0L).With("@hash", Array.Empty<byte>()).With("@cid", 0L).With("@cseq", 0L).With("@ctime", 0L);
        var insertCheckpoint = Db.Command(connection, "INSERT INTO audit_checkpoints (id, seq, head_hash, time, key_id, signature) VALUES (@id, @seq, @hash, @time, @key, @sig)")
            .With("@id", 0L).With("@seq", 0L).With("@hash", Array.Empty<byte>()).With("@time", 0L).With("@key", string.Empty).With("@sig", Array.Empty<byte>());
        return new AuditWriterCommands(connection, readHead, updateHead, insertCheckpoint);
    }

    /// <summary>Points every command at the current transaction.</summary>
    public void Enlist(DbTransaction transaction)
    {
        ReadHead.Transaction = transaction;
        UpdateHead.Transaction = transaction;
        InsertCheckpoint.Transaction = transaction;
    }

    public static void Set(DbCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReadHead.DisposeAsync();
        await UpdateHead.DisposeAsync();
        await InsertCheckpoint.DisposeAsync();
    }
}
