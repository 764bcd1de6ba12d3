using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;

namespace Airlock.Store.Relational;

/// <summary>
/// The audit trail's rows. Appends go through one long-lived writer connection, one batch per
/// transaction:
/// <code>
///   BEGIN (write lock) → read audit_head (FOR UPDATE) → sealer numbers + hashes the batch
///     → insert rows [+ checkpoint] → update audit_head → COMMIT → durability (WAL fsync / sync commit)
/// </code>
/// The head is read under the lock rather than cached, so gateways sharing a PostgreSQL store, or an
/// admin command appending beside a running gateway, extend one chain.
/// </summary>
internal sealed class RelationalAuditLog : IAuditLog, IAsyncDisposable
{
    private const string EventColumns = "seq, time, kind, user_name, resource, decision, session_id, body, hash";

    private readonly StoreDialect _dialect;
    private readonly bool _readOnly;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private readonly List<AuditRow> _rows = [];
    private DbConnection? _writer;
    private AuditWriterCommands? _commands;

    public RelationalAuditLog(StoreDialect dialect, bool readOnly)
    {
        _dialect = dialect;
        _readOnly = readOnly;
    }

    public async ValueTask AppendAsync(IAuditBatchSealer sealer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sealer);
        if (_readOnly)
        {
            throw new StoreException(StoreErrors.ReadOnly, $"the store {_dialect.Description} was opened read-only");
        }

        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AppendLockedAsync(sealer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _dialect.Translate(ex) is not null)
        {
            // The connection may be broken or mid-transaction: start the next append on a fresh one.
            await DropWriterAsync().ConfigureAwait(false);
            throw _dialect.Translate(ex)!;
        }
        catch
        {
            // Cancelled mid-append (Npgsql breaks the connection when a cancelled command does not stop in time), or
            // failed in a way the dialect does not name: kept, a broken writer would fail every later append with
            // "Connection is not open", which the dialect does not translate, so the trail never recovered.
            await DropWriterAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _writerGate.Release();
        }

        sealer.Committed();
    }

    public async ValueTask<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await ReadHeadAsync(connection, null, string.Empty, cancellationToken).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<AuditRow> ReadAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = BuildQuery(connection, query);
            var reader = await ExecuteReaderAsync(command, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await ReadAsync(reader, cancellationToken).ConfigureAwait(false))
                {
                    yield return AuditRowReader.Event(reader);
                }
            }
        }
    }

    public async IAsyncEnumerable<AuditCheckpointRow> ReadCheckpointsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Db.Command(connection, "SELECT id, seq, head_hash, time, key_id, signature FROM audit_checkpoints ORDER BY id");
            var reader = await ExecuteReaderAsync(command, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await ReadAsync(reader, cancellationToken).ConfigureAwait(false))
                {
                    yield return AuditRowReader.Checkpoint(reader);
                }
            }
        }
    }

    public async ValueTask<(long Count, long MaxSeq)> CountAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Db.Command(connection, "SELECT count(*), coalesce(max(seq), 0) FROM audit_events");
            var reader = await ExecuteReaderAsync(command, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await ReadAsync(reader, cancellationToken).ConfigureAwait(false);
                return (reader.GetInt64(0), reader.GetInt64(1));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writerGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await DropWriterAsync().ConfigureAwait(false);
        }
        finally
        {
            _writerGate.Release();
        }

        _writerGate.Dispose();
    }

    private async ValueTask AppendLockedAsync(IAuditBatchSealer sealer, CancellationToken cancellationToken)
    {
        _writer ??= await _dialect.OpenAuditWriterAsync(cancellationToken).ConfigureAwait(false);
        var connection = _writer;
        var commands = _commands ??= AuditWriterCommands.For(connection, _dialect.LockHeadClause);
        var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            commands.Enlist(transaction);
            var head = await ReadHeadAsync(commands.ReadHead, cancellationToken).ConfigureAwait(false);
            _rows.Clear();
            var checkpoint = sealer.Seal(head, _rows);
            if (_rows.Count == 0 && checkpoint is null)
            {
                return;
            }

            if (_rows.Count > 0)
            {
                await _dialect.InsertAuditRowsAsync(connection, transaction, _rows, cancellationToken).ConfigureAwait(false);
            }

            var last = _rows.Count > 0 ? _rows[^1] : null;
            if (checkpoint is not null)
            {
                AuditWriterCommands.Set(commands.InsertCheckpoint, checkpoint.Id, checkpoint.Seq, checkpoint.HeadHash, checkpoint.TimeMicros, checkpoint.KeyId, checkpoint.Signature);
                await commands.InsertCheckpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            AuditWriterCommands.Set(
                commands.UpdateHead,
                last?.Seq ?? head.Seq,
                last?.Hash ?? head.Hash,
                checkpoint?.Id ?? head.CheckpointId,
                checkpoint?.Seq ?? head.CheckpointSeq,
                checkpoint?.TimeMicros ?? head.CheckpointTimeMicros);
            await commands.UpdateHead.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _dialect.Committed();
    }

    private static async ValueTask<AuditChainHead> ReadHeadAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new StoreException(StoreErrors.AuditHeadMissing, "the audit head row is missing: the store was edited by hand; run `airlock audit verify`");
            }

            // The writer extends the chain from this row: a malformed one is refused, never read as zeros.
            var head = AuditRowReader.Head(reader);
            return head.Defect is { } defect
                ? throw new StoreException(StoreErrors.IoError, $"the audit head row is damaged ({defect}): the store was edited by hand; run `airlock audit verify`")
                : head;
        }
    }

    private static async ValueTask<AuditChainHead> ReadHeadAsync(DbConnection connection, DbTransaction? transaction, string lockClause, CancellationToken cancellationToken)
    {
        await using var command = Db.Command(connection, "SELECT seq, hash, checkpoint_id, checkpoint_seq, checkpoint_time FROM audit_head WHERE id = 1" + lockClause, transaction);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new StoreException(StoreErrors.AuditHeadMissing, "the audit head row is missing: the store was edited by hand; run `airlock audit verify`");
            }

            // For readers: a malformed head is returned with its defect, for verify to report (AL0738).
            return AuditRowReader.Head(reader);
        }
    }

    private static DbCommand BuildQuery(DbConnection connection, AuditQuery query)
    {
        var where = new StringBuilder("seq > @after");
        var command = Db.Command(connection, string.Empty).With("@after", query.AfterSeq);
        void Filter(string? value, string column)
        {
            if (value is not null)
            {
                where.Append(" AND ").Append(column).Append(" = @").Append(column);
                command.With("@" + column, value);
            }
        }

        Filter(query.User, "user_name");
        Filter(query.Resource, "resource");
        Filter(query.Decision, "decision");
        Filter(query.SessionId, "session_id");
        if (query.Kind is { } kind)
        {
            if (kind.EndsWith('.'))
            {
                // A prefix: equality of the leading characters is exact under any deterministic collation, without
                // LIKE's wildcard and escaping rules. (A range, kind >= 'action.' AND kind < 'action/', is not: under a
                // linguistic collation such as ICU en-US, 'ACTION.intent' sorts inside it.)
                where.Append(" AND substr(kind, 1, @kindLength) = @kind");
                command.With("@kind", kind).With("@kindLength", kind.EnumerateRunes().Count());
            }
            else
            {
                where.Append(" AND kind = @kind");
                command.With("@kind", kind);
            }
        }

        if (query.Since is { } since)
        {
            where.Append(" AND time >= @since");
            command.With("@since", UnixMicros.From(since));
        }

        if (query.Until is { } until)
        {
            where.Append(" AND time < @until");
            command.With("@until", UnixMicros.From(until));
        }

        command.CommandText = query.Limit is { } limit
            ? $"SELECT {EventColumns} FROM (SELECT {EventColumns} FROM audit_events WHERE {where} ORDER BY seq DESC LIMIT {Math.Max(0, limit)}) newest ORDER BY seq"
            : $"SELECT {EventColumns} FROM audit_events WHERE {where} ORDER BY seq";
        return command;
    }

    private async ValueTask<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_dialect.Translate(ex) is not null)
        {
            throw _dialect.Translate(ex)!;
        }
    }

    private async ValueTask<DbDataReader> ExecuteReaderAsync(DbCommand command, CancellationToken cancellationToken)
    {
        try
        {
            return await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_dialect.Translate(ex) is not null)
        {
            throw _dialect.Translate(ex)!;
        }
    }

    private async ValueTask<bool> ReadAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_dialect.Translate(ex) is not null)
        {
            throw _dialect.Translate(ex)!;
        }
    }

    private async ValueTask DropWriterAsync()
    {
        if (_commands is not null)
        {
            await _commands.DisposeAsync().ConfigureAwait(false);
            _commands = null;
        }

        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }
    }
}
