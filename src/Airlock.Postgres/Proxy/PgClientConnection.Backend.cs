using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Airlock.Audit;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

internal sealed partial class PgClientConnection
{
    /// <summary>
    /// Upstream to client. Rows, COPY data, errors and notices are masked as they stream (one message at a
    /// time: memory stays flat for any result size, and the client's pace holds the server back through
    /// the pipes). Relayed messages are copied as they came; the client is flushed once per batch read.
    /// </summary>
    private async Task BackendLoopAsync(CancellationToken cancellationToken)
    {
        var upstream = _upstream!.Reader;
        while (true)
        {
            var result = await upstream.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            await _clientWrite.WaitAsync(cancellationToken);
            try
            {
                while (PgFrame.TryRead(ref buffer, int.MaxValue, out var type, out var payload, out var whole))
                {
                    await HandleBackendAsync(type, payload, whole, _clientWriter, cancellationToken);
                    if (type == (byte)'Z')
                    {
                        ReadyForQueryHandled();
                    }
                    else if (type == (byte)'G')
                    {
                        CopyInStarted();
                    }
                }

                // An error can also settle what the frontend waits for (the server skips to Sync, and so does the tracker).
                WakeFrontend();
                await _clientWriter.FlushAsync(cancellationToken);
            }
            finally
            {
                _clientWrite.Release();
            }

            upstream.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    private async ValueTask HandleBackendAsync(byte type, ReadOnlySequence<byte> payload, ReadOnlySequence<byte> whole, PipeWriter client, CancellationToken cancellationToken)
    {
        var status = type == (byte)'Z' && payload.Length == 1 ? payload.FirstSpan[0] : (byte)0;
        if (status != 0)
        {
            // Before anything is dequeued for it: an empty tracker then always comes with a fresh status.
            Volatile.Write(ref _readyStatus, status);
        }

        await HandleBackendMessageAsync(type, payload, whole, client, cancellationToken);
        if (status != 0)
        {
            // After the message: what came before it in the transaction was judged with the transaction's state.
            OnTransactionStatus(status);
        }
    }

    private async ValueTask HandleBackendMessageAsync(byte type, ReadOnlySequence<byte> payload, ReadOnlySequence<byte> whole, PipeWriter client, CancellationToken cancellationToken)
    {
        var head = _tracker.Peek();
        MarkMaskedRead(head);
        if (head is { Kind: ExpectedKind.Internal })
        {
            // The gateway's own Query: nothing of its answer is the client's. Should it fail, the approved
            // statement after it runs read-only and fails: closed, as wanted.
            if (type == (byte)'S')
            {
                CheckParameterStatus(payload, gatewaysOwn: true);
            }

            if (type == (byte)'Z')
            {
                _tracker.Dequeue();
            }

            return;
        }

        if (head is { Kind: ExpectedKind.Refusal } refusal && type is not ((byte)'N' or (byte)'S' or (byte)'A'))
        {
            OnRefusalAnswer(refusal, type, whole, client);
            return;
        }

        byte[]? rented = null;
        try
        {
            switch ((char)type)
            {
                case 'D':
                    await OnDataRowAsync(head, PgReader.Contiguous(payload, ref rented).ToArray(), whole, client, cancellationToken);
                    return;
                case 'T':
                    if (await OnRowDescriptionAsync(head, ParseRowDescription(PgReader.Contiguous(payload, ref rented)), cancellationToken))
                    {
                        Forward(whole, client);
                    }

                    return;
                case 'C':
                    OnCommandComplete(head, Utf8CString(PgReader.Contiguous(payload, ref rented)), whole, client);
                    return;
                case 'I' or 's':
                    Forward(whole, client);
                    FinishStatement(head, tag: null);
                    return;
                case 'n' when head is { Kind: ExpectedKind.DescribePortal, Hidden: true }:
                    // The gateway's own Describe: the client did not ask, and is not told.
                    _tracker.Dequeue();
                    return;
                case '1' or '2' or '3' or 'n':
                    Forward(whole, client);
                    Complete(head, client);
                    return;
                case 'E':
                    OnError(head, PgReader.Contiguous(payload, ref rented), client);
                    return;
                case 'N':
                    WriteErrorOrNotice(head, type, PgReader.Contiguous(payload, ref rented), client);
                    return;
                case 'Z':
                    Forward(whole, client);
                    OnReadyForQuery(head, client);
                    return;
                case 'H':
                    await OnCopyOutResponseAsync(head, PgReader.Contiguous(payload, ref rented).ToArray(), whole, client, cancellationToken);
                    return;
                case 'd':
                    OnCopyData(head, PgReader.Contiguous(payload, ref rented), client);
                    return;
                case 'c':
                    if (!IsRefusedCopy(head))
                    {
                        Forward(whole, client);
                    }

                    return;
                case 'A':
                    OnNotification(PgReader.Contiguous(payload, ref rented), client);
                    return;
                case 'S':
                    CheckParameterStatus(payload, gatewaysOwn: false);
                    RelayParameterStatus(PgReader.Contiguous(payload, ref rented), whole, client);
                    return;
                default:
                    // ParameterDescription, CopyInResponse, BackendKeyData…: relayed as they are.
                    Forward(whole, client);
                    return;
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Plans the rows a RowDescription announces; false when the description is the gateway's own (not the client's).</summary>
    private async ValueTask<bool> OnRowDescriptionAsync(Expected? head, RowField[] fields, CancellationToken cancellationToken)
    {
        switch (head?.Kind)
        {
            case ExpectedKind.Query when head.Action is { } action:
                var statements = action.Verdict.Analysis.Statements;
                var statement = action.StatementIndex < statements.Count ? statements[action.StatementIndex] : null;
                if (IsFetch(statements, action.StatementIndex))
                {
                    // A FETCH's columns are its cursor's query's: planned by that lineage, or masked whole without it.
                    action.Cursor = FetchedCursor(action, statements, action.StatementIndex);
                    action.Plan = action.Cursor is { } cursor
                        ? await ResultPlanner.PlanAsync(fields, cursor.Statement, _session!, Policy, Masking, _catalog!, cancellationToken)
                        : UntracedPlan(fields.Length, fields);
                    break;
                }

                action.Plan = await ResultPlanner.PlanAsync(fields, statement, _session!, Policy, Masking, _catalog!, cancellationToken);
                break;
            case ExpectedKind.DescribeStatement when head.Statement is { } prepared:
                prepared.Fields = fields;
                _tracker.Dequeue();
                break;
            case ExpectedKind.DescribePortal when head.Portal is { } portal:
                portal.Fields = fields;

                // Later Binds of the statement may come without a Describe (the JDBC driver's named statements
                // do): their rows are planned by these columns (their formats are each Bind's own).
                portal.Statement.Fields ??= fields;
                _tracker.Dequeue();
                break;
            case ExpectedKind.DescribeStatement or ExpectedKind.DescribePortal:
                _tracker.Dequeue();
                break;
        }

        return head is not { Kind: ExpectedKind.DescribePortal, Hidden: true };
    }

    private async ValueTask OnDataRowAsync(Expected? head, byte[] payload, ReadOnlySequence<byte> whole, PipeWriter client, CancellationToken cancellationToken)
    {
        var action = head?.Action;
        if (action is null)
        {
            // Rows nobody asked for through a decided action: show nothing we cannot vouch for.
            return;
        }

        if (action.Plan is null && head!.Kind == ExpectedKind.Execute && head.Portal is { } portal)
        {
            var statements = portal.Statement.Verdict.Analysis.Statements;
            var fetch = IsFetch(statements, 0);
            action.Cursor = FetchedCursor(action, statements, 0);
            var statement = action.Cursor?.Statement ?? (statements.Count > 0 ? statements[0] : null);

            // The gateway described the portal itself when the client did not (DescribeUndescribed); a FETCH's
            // columns are only its own portal's. Without a description nothing is known: everything is masked whole.
            var fields = portal.Fields ?? (fetch ? null : portal.Statement.Fields);
            action.Plan = fields is null || (fetch && action.Cursor is null)
                ? UntracedPlan(BinaryPrimitives.ReadInt16BigEndian(payload), fields)
                : await ResultPlanner.PlanAsync([.. fields.Select((f, i) => f with { Format = portal.FormatOf(i) })], statement, _session!, Policy, Masking, _catalog!, cancellationToken);
        }

        // max_rows counts across the Executes of a portal, and across the FETCHes of a cursor.
        var cursor = action.Cursor;
        var limit = cursor?.MaxRows is { } cursorMax && (action.Verdict.MaxRows is not { } own || cursorMax < own) ? cursorMax : action.Verdict.MaxRows;
        var delivered = cursor?.RowsDelivered ?? (head!.Portal is { } p ? p.RowsDelivered : action.Rows);
        if (limit is { } max && delivered >= max)
        {
            action.RowsDropped++;
            return;
        }

        action.Rows++;
        if (head!.Portal is { } counted)
        {
            counted.RowsDelivered++;
        }

        if (cursor is not null && (cursor.Portal is null || !ReferenceEquals(cursor.Portal, head.Portal)))
        {
            cursor.RowsDelivered++;
        }

        if (action.Plan is not { AnyMasking: true } plan)
        {
            Forward(whole, client);
            return;
        }

        DataRowMasker.Write(payload, plan, head.Portal, action, _clientMessages, client, out var nulledColumn);
        if (nulledColumn is not null && !action.NulledNoticeSent)
        {
            action.NulledNoticeSent = true;
            _clientMessages.Notice(client, $"AL0903: column \"{nulledColumn}\" is masked, and a masked value is not valid for its type, so it is shown as NULL");
        }
    }

    private void OnCommandComplete(Expected? head, string tag, ReadOnlySequence<byte> whole, PipeWriter client)
    {
        var action = head?.Action;
        if (tag == "ROLLBACK")
        {
            // ROLLBACK, or a COMMIT of a failed transaction: cursors declared in it die with it, even WITH HOLD.
            _cursors.TransactionFailed();
        }

        if (IsRefusedCopy(head))
        {
            // The client was told no at the CopyOutResponse already.
        }
        else if (action is { RowsDropped: > 0 })
        {
            var shown = head!.Portal?.RowsDelivered ?? action.Rows;
            _clientMessages.Notice(client, $"AL0904: the result was cut off at {shown} rows by policy rule {action.Verdict.RuleId} (max_rows); {action.RowsDropped} more rows were not sent");
            _clientMessages.CommandComplete(client, RewriteRowCount(tag, shown));
        }
        else
        {
            Forward(whole, client);
        }

        FinishStatement(head, tag);
    }

    /// <summary>One statement's results are done: a simple Query moves to its next statement; an Execute is complete.</summary>
    private void FinishStatement(Expected? head, string? tag)
    {
        if (head?.Kind == ExpectedKind.Query && head.Action is { } action)
        {
            action.StatementIndex++;
            action.Plan = null;
            action.Cursor = null;
            action.CopyOut = null;
            action.RowsDroppedTotal += action.RowsDropped;
            action.RowsTotal += action.Rows;
            action.Rows = 0;
            action.RowsDropped = 0;
            action.LastTag = tag;
        }
        else if (head?.Kind == ExpectedKind.Execute)
        {
            if (head.Action is { } executed)
            {
                executed.RowsTotal = executed.Rows;
                executed.RowsDroppedTotal = executed.RowsDropped;
                RecordOutcome(executed);
            }

            _tracker.Dequeue();
        }
    }

    private void Complete(Expected? head, PipeWriter client)
    {
        if (head is { Kind: ExpectedKind.Bind, Statement: { NotCreated: true } stale })
        {
            // The server bound whatever the name meant before the refused Parse; the gateway cannot plan or mask for that.
            throw new PgProtocolException($"prepared statement \"{stale.Name}\" was not created by its last Parse (the server refused or skipped it), so the gateway cannot vouch for what this Bind runs; Close it and prepare it again");
        }

        if (head is not null && head.Kind is ExpectedKind.Parse or ExpectedKind.Bind or ExpectedKind.Close or ExpectedKind.DescribeStatement or ExpectedKind.DescribePortal)
        {
            _tracker.Dequeue();
        }
    }

    private void OnReadyForQuery(Expected? head, PipeWriter client)
    {
        if (head?.Kind is ExpectedKind.Query or ExpectedKind.Sync)
        {
            if (head.Kind == ExpectedKind.Query && head.Action is { } action)
            {
                action.RowsTotal += action.Rows;
                action.RowsDroppedTotal += action.RowsDropped;
                RecordOutcome(action);
            }

            _tracker.Dequeue();
        }
    }

    /// <summary>
    /// The server's answer to a refused message's stand-in (see <c>Refuse</c>): its error becomes the
    /// gateway's, its ReadyForQuery (with the server's transaction status) is passed on, and nothing else of
    /// it reaches the client.
    /// </summary>
    private void OnRefusalAnswer(Expected refusal, byte type, ReadOnlySequence<byte> whole, PipeWriter client)
    {
        if (!refusal.ErrorSent)
        {
            refusal.ErrorSent = true;
            _clientMessages.Error(client, refusal.Error!);
        }

        switch ((char)type)
        {
            case 'Z':
                Forward(whole, client);
                _tracker.Dequeue();
                break;
            case 'E' when !refusal.ThenReady:
                // Extended protocol: the server now skips to Sync, and so does the queue.
                _tracker.SkipToSync();
                break;
            case '2' when !refusal.ThenReady:
                // The stand-in Bind found a statement after all (its name is unguessable, so not by chance): no
                // error, but the refusal has been said and nothing was executed.
                _tracker.Dequeue();
                break;
        }
    }

    private void OnNotification(ReadOnlySpan<byte> payload, PipeWriter client)
    {
        var r = new PgReader(payload);
        var pid = r.ReadInt32();
        var channel = r.ReadCString();
        var message = r.ReadCString();
        _clientMessages.Start((byte)'A').Int32(pid).CString(channel).CString(MaskText(message)).Finish(client);
    }

    /// <summary>
    /// Checks a ParameterStatus against the pinned settings (client_encoding among them: masking reads text as
    /// UTF-8, and another encoding would let values through unread). A changed pin has ended the session:
    /// nothing more is relayed, and the session's end tells the client why.
    /// </summary>
    private void CheckParameterStatus(ReadOnlySequence<byte> payload, bool gatewaysOwn)
    {
        byte[]? rented = null;
        try
        {
            if (!OnParameterStatus(PgReader.Contiguous(payload, ref rented), gatewaysOwn))
            {
                throw new OperationCanceledException("a pinned setting changed; the session ends");
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Relays a ParameterStatus; of application_name the client sees its own part, as at login.</summary>
    private void RelayParameterStatus(ReadOnlySpan<byte> payload, ReadOnlySequence<byte> whole, PipeWriter client)
    {
        var r = new PgReader(payload);
        var name = r.ReadCString();
        if (string.Equals(name, "application_name", StringComparison.OrdinalIgnoreCase))
        {
            _clientMessages.ParameterStatus(client, name, ShownApplicationName(r.ReadCString()));
            return;
        }

        Forward(whole, client);
    }

    private void RecordOutcome(ActionInFlight action)
    {
        var e = ActionEvent(AuditEventKinds.ActionOutcome, action.Verdict) with
        {
            IntentSeq = action.Intent.Seq,
            Rows = action.RowsTotal,
            Masked = action.Counts.Counts.ByEntityType.Count > 0 ? new Dictionary<string, long>(action.Counts.Counts.ByEntityType, StringComparer.Ordinal) : null,
            DurationMicros = MicrosSince(action.StartedTimestamp),
            Outcome = action.ErrorCode is null ? (action.RowsDroppedTotal > 0 ? "truncated" : "ok") : "error",
            ErrorCode = action.ErrorCode,
            Error = action.Error,
            Text = null,
            Tables = null,
        };

        // The outcome follows the action and holds nobody up: it rides in the next intent's transaction
        // (AuditTrail.AppendLater). A failure shows in the trail's health.
        _services.Audit.AppendLater(e);
    }

    private string MaskText(string text) => Masking.Mask(text);

    private static string RewriteRowCount(string tag, long rows)
    {
        var space = tag.LastIndexOf(' ');
        return space < 0 ? tag : string.Concat(tag.AsSpan(0, space + 1), rows.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static RowField[] ParseRowDescription(ReadOnlySpan<byte> payload)
    {
        var r = new PgReader(payload);
        var fields = new RowField[r.ReadInt16()];
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i] = new RowField(r.ReadCString(), r.ReadInt32(), r.ReadInt16(), r.ReadInt32(), r.ReadInt16(), r.ReadInt32(), r.ReadInt16());
        }

        return fields;
    }
}
