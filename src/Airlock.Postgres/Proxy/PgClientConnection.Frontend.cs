using System.Buffers;
using Airlock.Audit;
using Airlock.Pipeline;
using Airlock.Policy.Model;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

internal sealed partial class PgClientConnection
{
    /// <summary>What goes to the server in place of a refused Query: it fails at analysis, with no effect, in any state, and says why in the server's log.</summary>
    private const string RefusedQuery = "SELECT 'Airlock refused a statement here; the client was told why'::int4";

    /// <summary>
    /// A statement and portal name that no client can know (SQL PREPARE could otherwise create it), so a Bind
    /// of it fails with 26000 and no effect.
    /// </summary>
    private static readonly string RefusedName = "airlock:refused:" + Guid.NewGuid().ToString("N");

    private bool _skipUntilSync;

    /// <summary>
    /// Client to upstream. Statements are decided at Query and Parse, before any byte of them reaches the
    /// server; an allowed action's intent is recorded (write-ahead) before its Query or Execute is forwarded.
    /// Everything else is relayed as it came, and flushed once per batch the client sent.
    /// </summary>
    private async Task FrontendLoopAsync(CancellationToken cancellationToken)
    {
        var upstream = _upstream!.Writer;
        while (true)
        {
            var result = await _clientReader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (true)
            {
                if (_oversized is not null || TryStartOversized(ref buffer, out var needMore))
                {
                    // A statement over the limit: skipped as it arrives, then refused (AL0958).
                    if (!SkipOversized(ref buffer))
                    {
                        break;
                    }

                    _session!.Touch(_services.Time.GetUtcNow());
                    await RefuseOversizedAsync(cancellationToken);
                    continue;
                }

                if (needMore || !PgFrame.TryRead(ref buffer, _options.MaxClientMessage, out var type, out var payload, out var whole))
                {
                    break;
                }

                _session!.Touch(_services.Time.GetUtcNow());
                if (type == (byte)'X')
                {
                    _clientReader.AdvanceTo(buffer.Start);
                    return;
                }

                if (_skipUntilSync && type != (byte)'S')
                {
                    // Skipped, as the server skips after an error; an unknown type is refused all the same, as the server does.
                    _ = FrontendMessageName(type) ?? throw UnexpectedMessage(type);
                    continue;
                }

                if (WaitsForReady(type))
                {
                    // Nothing new reaches the server before it has reported the settings the last step left.
                    await WaitForReadyAsync(upstream, cancellationToken);
                }

                await HandleFrontendAsync(type, payload, whole, upstream, cancellationToken);
            }

            // One flush per batch the client sent: a pipelined Parse/Bind/Execute/Sync goes up in one write.
            await upstream.FlushAsync(cancellationToken);
            _clientReader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Handles one client message. Its fields are checked as strictly as the server would read them (a
    /// message the server would misread differently from the gateway is never forwarded); a malformed one
    /// ends the connection with 08P01 naming the message and what was wrong with it.
    /// </summary>
    private async ValueTask HandleFrontendAsync(byte type, ReadOnlySequence<byte> payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        var name = FrontendMessageName(type) ?? throw UnexpectedMessage(type);
        byte[]? rented = null;
        try
        {
            switch ((char)type)
            {
                case 'Q':
                    await OnQueryAsync(ReadQuery(PgReader.Contiguous(payload, ref rented)), whole, upstream, cancellationToken);
                    break;
                case 'P':
                    await OnParseAsync(PgReader.Contiguous(payload, ref rented).ToArray(), whole, upstream, cancellationToken);
                    break;
                case 'B':
                    // Read from the span as it is (no copy of the message); only a review awaits.
                    if (await OnBindAsync(ReadBind(PgReader.Contiguous(payload, ref rented)), whole, upstream, cancellationToken) is { } refusal)
                    {
                        Refuse(refusal, simpleQuery: false);
                    }

                    break;
                case 'D':
                    OnDescribe(PgReader.Contiguous(payload, ref rented), whole, upstream);
                    break;
                case 'E':
                    await OnExecuteAsync(ReadExecute(PgReader.Contiguous(payload, ref rented)), whole, upstream, cancellationToken);
                    break;
                case 'C':
                    OnClose(PgReader.Contiguous(payload, ref rented));
                    _tracker.Enqueue(new Expected(ExpectedKind.Close));
                    Forward(whole, upstream);
                    break;
                case 'S':
                    ExpectEmpty(payload);
                    _skipUntilSync = false;
                    _tracker.Enqueue(new Expected(ExpectedKind.Sync));
                    Forward(whole, upstream);
                    break;
                case 'H' or 'c':
                    ExpectEmpty(payload);
                    Forward(whole, upstream);
                    break;
                case 'd' or 'f':
                    // COPY FROM STDIN data: relayed as is (the COPY itself was decided at its Query).
                    Forward(whole, upstream);
                    break;
                case 'F':
                    // FunctionCall is answered as a Query is: an error, then ReadyForQuery.
                    Refuse(GatewayErrors.FunctionCallRefused, simpleQuery: true);
                    break;
                default:
                    throw UnexpectedMessage(type);
            }
        }
        catch (PgProtocolException ex)
        {
            throw new PgProtocolException($"malformed {name} message: {ex.Message}", ex);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private async ValueTask OnQueryAsync(string sql, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        FollowReadOnlyMode(upstream);
        var verdict = _services.Gate.Decide(_session!, sql);
        if (verdict.Effect == RuleEffect.Review && _services.Approvals is not null)
        {
            var (review, refusal) = await ReviewHeldAsync(verdict, sql, [], cancellationToken);
            if (refusal is not null)
            {
                await RecordBlockedAsync(verdict, cancellationToken, review.RequestId);
                Refuse(refusal, simpleQuery: true);
                return;
            }

            verdict = verdict with { Effect = RuleEffect.Allow, ApprovalId = review.RequestId };
        }

        if (!verdict.Allowed)
        {
            await RecordBlockedAsync(verdict, cancellationToken);
            Refuse(RefusalFor(verdict), simpleQuery: true);
            return;
        }

        var cursors = await PlanCursorsAsync(verdict.Analysis, verdict.MaxRows, cancellationToken);
        if (cursors.Refusal is { } unknownCursor)
        {
            await RefuseUnknownCursorAsync(verdict, unknownCursor, simpleQuery: true, cancellationToken);
            return;
        }

        if (await RecordIntentAsync(verdict, cancellationToken) is not { } action)
        {
            Refuse(AuditUnavailable(), simpleQuery: true);
            return;
        }

        action.ReadsMasked = cursors.ReadsMasked;
        action.Cursors = cursors.ByStatement;
        ApplyCursors(verdict.Analysis, cursors.ByStatement);

        // An approved write in a read-only session (policy allows the user only reads here, and this one
        // action by approval) runs with read-write switched on around it, and off again after it. Inside a
        // transaction block that began read-only the switch cannot apply, and the write fails as before.
        var readWrite = verdict.ApprovalId is not null && _session!.ReadOnly;
        if (readWrite)
        {
            SendInternalQuery(upstream, "SET default_transaction_read_only = off");
        }

        _tracker.Enqueue(new Expected(ExpectedKind.Query) { Action = action });
        if (MarkedApplicationName(verdict) is { } marked)
        {
            WriteQuery(upstream, marked);
        }
        else
        {
            Forward(whole, upstream);
        }

        if (readWrite)
        {
            SendInternalQuery(upstream, "SET default_transaction_read_only = on");
        }
    }

    /// <summary>
    /// A statement policy holds for review: runs if an approval for exactly it is waiting to be used;
    /// otherwise, where the rule lets native clients wait, tells the client so (a notice) and waits for the
    /// decision; otherwise, or if no approval came, returns the refusal to send.
    /// </summary>
    private async ValueTask<(ReviewOutcome Review, PgError? Refusal)> ReviewHeldAsync(StatementVerdict verdict, string text, IReadOnlyList<byte[]?> parameters, CancellationToken cancellationToken)
    {
        var approvals = _services.Approvals!;
        ReviewOutcome review;
        try
        {
            review = await approvals.ReviewAsync(_session!, verdict, text, parameters, cancellationToken);
        }
        catch (RefusedException ex)
        {
            // No request was made (the requester has too many waiting: AL1022); the statement is refused.
            return (new ReviewOutcome(string.Empty, Run: false, default), GatewayErrors.ApprovalRefused(ex));
        }

        if (review.Run)
        {
            return (review, null);
        }

        if (verdict.Approval is not { Wait: var wait } || wait <= TimeSpan.Zero)
        {
            return (review, GatewayErrors.HeldForApproval(verdict.RuleId, verdict.RuleMessage, review));
        }

        // What the client sent before this statement must not wait with it.
        await _upstream!.Writer.FlushAsync(cancellationToken);
        await WriteToClientAsync(w => _clientMessages.Notice(w, $"AL0922: waiting up to {wait} for an approver of request {review.RequestId} (rule {verdict.RuleId}): airlock reviews approve {review.RequestId}"), cancellationToken);
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Volatile.Write(ref _waitCancel, waiting);
        try
        {
            var decided = await approvals.WaitForDecisionAsync(_session!, verdict, text, parameters, review, wait, waiting.Token);
            return decided switch
            {
                { Outcome.Run: true } => (decided.Outcome, null),
                { State: ActionApprovals.Denied } => (review, GatewayErrors.ApprovalDenied(review.RequestId, decided.DecidedBy, decided.Comment)),
                _ => (review, GatewayErrors.HeldForApproval(verdict.RuleId, verdict.RuleMessage, review)),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (review, GatewayErrors.WaitCancelled(review.RequestId));
        }
        finally
        {
            Volatile.Write(ref _waitCancel, null);
        }
    }

    /// <summary>
    /// A session's read-only mode follows what policy allows it now: a grant approved while the session is open
    /// switches it to read-write, and a policy change or a grant's end that leaves only reads switches it back.
    /// The server is told (an internal SET) only between statements, outside any transaction block (nothing
    /// outstanding, and the last ReadyForQuery said idle), so no rollback can undo the switch behind the
    /// gateway's back; otherwise it waits for the next statement that starts when idle. Decided again only when
    /// the session's principal changes (new grants, MFA, policy revision), which the session caches.
    /// </summary>
    private void FollowReadOnlyMode(IBufferWriter<byte> upstream)
    {
        var snapshot = Policy;
        var principal = _session!.PrincipalFor(snapshot);
        if (ReferenceEquals(principal, _readOnlyDecidedFor) || _tracker.Count != 0 || Volatile.Read(ref _readyStatus) != 'I')
        {
            return;
        }

        _readOnlyDecidedFor = principal;
        var readOnly = snapshot.AllowsOnlyReads(principal, _session.Resource);
        if (readOnly != _session.ReadOnly)
        {
            SendInternalQuery(upstream, readOnly ? "SET default_transaction_read_only = on" : "SET default_transaction_read_only = off");
            _session.ReadOnly = readOnly;
        }
    }

    private void SendInternalQuery(IBufferWriter<byte> upstream, string sql)
    {
        _tracker.Enqueue(new Expected(ExpectedKind.Internal));
        _upstreamMessages.Query(upstream, sql);
    }

    private async ValueTask OnParseAsync(byte[] payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        var r = new PgReader(payload);
        var name = r.ReadCString();
        var sql = r.ReadCString();
        var parameterTypes = r.ReadInt16();
        if (parameterTypes < 0)
        {
            throw new PgProtocolException($"a negative parameter count {parameterTypes}");
        }

        r.ReadBytes(parameterTypes * 4);
        ExpectEnd(r);
        FollowReadOnlyMode(upstream);
        var verdict = _services.Gate.Decide(_session!, sql);
        _statements.Remove(name);

        // Held for review: nothing runs at Parse, and an approval binds to the parameter values, which come
        // with Bind; the request is made (or an approval used) there. A read-only session cannot switch to
        // read-write inside the extended protocol's implicit transaction, so there it is refused here.
        var reviewAtBind = verdict.Effect == RuleEffect.Review && _services.Approvals is not null && !_session!.ReadOnly;
        if (!verdict.Allowed && !reviewAtBind)
        {
            _deniedStatements[name] = verdict;
            await RecordBlockedAsync(verdict, cancellationToken);
            Refuse(verdict.Effect == RuleEffect.Review && _services.Approvals is not null ? GatewayErrors.ReviewRequiredSimpleProtocolOnly(verdict.RuleId, verdict.RuleMessage) : RefusalFor(verdict), simpleQuery: false);
            return;
        }

        _deniedStatements.Remove(name);
        var statement = new PreparedStatement(name, sql, verdict)
        {
            // Errors at Parse and Bind (a constant that does not convert, planning) are withheld like the Execute's.
            ReadsMasked = await MaskedReads.AnyAsync(verdict.Analysis, _session!, Policy, _catalog!, cancellationToken),
        };
        _statements[name] = statement;
        _tracker.Enqueue(new Expected(ExpectedKind.Parse) { Statement = statement });
        if (MarkedApplicationName(verdict) is { } marked)
        {
            WriteParse(upstream, name, marked, payload.AsSpan(payload.Length - 2 - (parameterTypes * 4)));
        }
        else
        {
            Forward(whole, upstream);
        }
    }

    /// <summary>
    /// Tracks the portal and forwards the Bind; returns a refusal when it binds a statement policy denied, or
    /// one held for review that no approval of exactly these parameter values lets run.
    /// </summary>
    private async ValueTask<PgError?> OnBindAsync((string Portal, string Statement, byte[]?[] Values, short[] Formats) bind, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        FollowReadOnlyMode(upstream);
        var (portalName, statementName, values, formats) = bind;
        if (!_statements.TryGetValue(statementName, out var statement))
        {
            if (_deniedStatements.ContainsKey(statementName))
            {
                return GatewayErrors.DeniedStatement(statementName);
            }

            // Unknown to the gateway: the server will say so in its own words. Should the server know the name
            // after all (its Close was skipped), an Execute of this portal must not find an older one of the same name.
            _portals.Remove(portalName);
            _tracker.Enqueue(new Expected(ExpectedKind.Bind));
            Forward(whole, upstream);
            return null;
        }

        StatementVerdict? approved = null;
        if (statement.Verdict.Effect == RuleEffect.Review)
        {
            var (review, refusal) = await ReviewHeldAsync(statement.Verdict, statement.Sql, values, cancellationToken);
            if (refusal is not null)
            {
                _portals.Remove(portalName);
                await RecordBlockedAsync(statement.Verdict, cancellationToken, review.RequestId);
                return refusal;
            }

            approved = statement.Verdict with { Effect = RuleEffect.Allow, ApprovalId = review.RequestId };
        }

        var portal = new Portal(portalName, statement, formats, approved);
        _portals[portalName] = portal;
        _tracker.Enqueue(new Expected(ExpectedKind.Bind) { Portal = portal, Statement = statement });
        Forward(whole, upstream);
        return null;
    }

    /// <summary>
    /// Bind: portal and statement names, the result formats, and the parameter values (null for SQL NULL),
    /// which are copied only for a statement held for review: its approval binds to them.
    /// </summary>
    private (string Portal, string Statement, byte[]?[] Values, short[] Formats) ReadBind(ReadOnlySpan<byte> payload)
    {
        var r = new PgReader(payload);
        var portalName = r.ReadCString();
        var statementName = r.ReadCString();
        var keepValues = _statements.TryGetValue(statementName, out var held) && held.Verdict.Effect == RuleEffect.Review;
        var parameterFormats = r.ReadInt16();
        r.ReadBytes(parameterFormats * 2);
        var parameters = r.ReadInt16();
        if (parameters < 0)
        {
            throw new PgProtocolException($"a negative parameter count {parameters}");
        }

        var values = keepValues ? new byte[]?[parameters] : [];
        for (var i = 0; i < parameters; i++)
        {
            var length = r.ReadInt32();
            if (length < -1)
            {
                throw new PgProtocolException($"parameter {i + 1} has an invalid length {length}");
            }

            var value = length < 0 ? default : r.ReadBytes(length);
            if (keepValues)
            {
                values[i] = length < 0 ? null : value.ToArray();
            }
        }

        var formatCount = r.ReadInt16();
        if (formatCount < 0)
        {
            throw new PgProtocolException($"a negative result format count {formatCount}");
        }

        var formats = new short[formatCount];
        for (var i = 0; i < formats.Length; i++)
        {
            formats[i] = r.ReadInt16();
            if (formats[i] is not (0 or 1))
            {
                throw new PgProtocolException($"result format code {formats[i]} is neither text (0) nor binary (1)");
            }
        }

        ExpectEnd(r);
        return (portalName, statementName, values, formats);
    }

    private void OnDescribe(ReadOnlySpan<byte> payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream)
    {
        var (what, name) = ReadTarget(payload);
        var expected = what == (byte)'S'
            ? new Expected(ExpectedKind.DescribeStatement) { Statement = _statements.GetValueOrDefault(name) }
            : new Expected(ExpectedKind.DescribePortal) { Portal = _portals.GetValueOrDefault(name) };
        _tracker.Enqueue(expected);
        Forward(whole, upstream);
    }

    private async ValueTask OnExecuteAsync(string portalName, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        var portal = _portals.GetValueOrDefault(portalName);
        ActionInFlight? action = null;
        if (portal is not null)
        {
            var analysis = portal.Statement.Verdict.Analysis;
            var cursors = await PlanCursorsAsync(analysis, portal.Verdict.MaxRows, cancellationToken);
            if (cursors.Refusal is { } unknownCursor)
            {
                await RefuseUnknownCursorAsync(portal.Verdict, unknownCursor, simpleQuery: false, cancellationToken);
                return;
            }

            action = await RecordIntentAsync(portal.Verdict, cancellationToken);
            if (action is null)
            {
                Refuse(AuditUnavailable(), simpleQuery: false);
                return;
            }

            action.ReadsMasked = cursors.ReadsMasked || portal.Statement.ReadsMasked;
            action.Cursors = cursors.ByStatement;
            ApplyCursors(analysis, cursors.ByStatement);
            DescribeUndescribed(portal, upstream);
        }

        _tracker.Enqueue(new Expected(ExpectedKind.Execute) { Portal = portal, Statement = portal?.Statement, Action = action });
        Forward(whole, upstream);
    }

    private void OnClose(ReadOnlySpan<byte> payload)
    {
        var (what, name) = ReadTarget(payload);
        if (what == (byte)'S')
        {
            _statements.Remove(name);
            _deniedStatements.Remove(name);
        }
        else
        {
            _portals.Remove(name);
            OnPortalClosed(name);
        }
    }

    /// <summary>
    /// Refuses the way the server fails: in place of the refused message goes one the server must reject (a
    /// Query that cannot run, or a Bind of a statement that does not exist), and its ErrorResponse is
    /// replaced by the gateway's own (see <see cref="ResponseTracker"/>). The refusal thus lands exactly where
    /// the server's answer would have, and a transaction block is aborted as after any error of the server's:
    /// a COMMIT after a refused statement rolls back, as PostgreSQL's own errors make it. In the extended
    /// protocol the client's messages up to Sync are then skipped, as the server skips them after its error.
    /// </summary>
    private void Refuse(PgError error, bool simpleQuery)
    {
        var upstream = _upstream!.Writer;
        _tracker.Enqueue(new Expected(ExpectedKind.Refusal) { Error = error, ThenReady = simpleQuery });
        if (simpleQuery)
        {
            _upstreamMessages.Query(upstream, RefusedQuery);
        }
        else
        {
            _upstreamMessages.Bind(upstream, RefusedName, RefusedName);
            _skipUntilSync = true;
        }
    }

    /// <summary>The refusal of an action whose intent could not be recorded (audit.required), with the trail's last failure.</summary>
    private PgError AuditUnavailable() => GatewayErrors.AuditUnavailable(_services.Audit.LastFailure?.Message ?? "the audit trail is unavailable");


    /// <summary>Write-ahead: the intent is durable before the action is forwarded. Null when it could not be recorded and audit is required.</summary>
    private async ValueTask<ActionInFlight?> RecordIntentAsync(StatementVerdict verdict, CancellationToken cancellationToken)
    {
        try
        {
            var receipt = await _services.Audit.AppendAsync(ActionEvent(AuditEventKinds.ActionIntent, verdict) with { Groups = [.. _session!.PrincipalFor(Policy).Groups], Mfa = _session.User.Mfa }, cancellationToken);
            return new ActionInFlight(verdict, receipt, Now());
        }
        catch (AuditUnavailableException)
        {
            return null;
        }
    }

    private async ValueTask RecordBlockedAsync(StatementVerdict verdict, CancellationToken cancellationToken, string? approvalId = null)
    {
        try
        {
            var blocked = ActionEvent(AuditEventKinds.ActionBlocked, verdict) with { Outcome = verdict.Effect == RuleEffect.Review ? "held" : "denied" };
            if (!string.IsNullOrEmpty(approvalId))
            {
                blocked = blocked with { Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["approval_id"] = approvalId } };
            }

            await _services.Audit.AppendAsync(blocked, cancellationToken);
        }
        catch (AuditUnavailableException)
        {
            // It was not going to run anyway.
        }
    }

    private static void Forward(ReadOnlySequence<byte> whole, IBufferWriter<byte> output)
    {
        foreach (var segment in whole)
        {
            output.Write(segment.Span);
        }
    }

    private static string Utf8CString(ReadOnlySpan<byte> payload)
    {
        var end = payload.IndexOf((byte)0);
        return Utf8(end < 0 ? payload : payload[..end]);
    }

    private static PgProtocolException UnexpectedMessage(byte type) => new($"unexpected message type '{PgFrame.Printable(type)}' from the client");

    private static string? FrontendMessageName(byte type) => (char)type switch
    {
        'Q' => "Query",
        'P' => "Parse",
        'B' => "Bind",
        'D' => "Describe",
        'E' => "Execute",
        'C' => "Close",
        'S' => "Sync",
        'H' => "Flush",
        'd' => "CopyData",
        'c' => "CopyDone",
        'f' => "CopyFail",
        'F' => "FunctionCall",
        _ => null,
    };

    /// <summary>Query: one NUL-terminated string and nothing after it (the server reads no further than its NUL either).</summary>
    private static string ReadQuery(ReadOnlySpan<byte> payload)
    {
        var r = new PgReader(payload);
        var sql = r.ReadCString();
        ExpectEnd(r);
        return sql;
    }

    /// <summary>Execute: the portal name and the row limit.</summary>
    private static string ReadExecute(ReadOnlySpan<byte> payload)
    {
        var r = new PgReader(payload);
        var portal = r.ReadCString();
        r.ReadInt32();
        ExpectEnd(r);
        return portal;
    }

    /// <summary>Describe and Close: 'S' (statement) or 'P' (portal), then a name.</summary>
    private static (byte What, string Name) ReadTarget(ReadOnlySpan<byte> payload)
    {
        var r = new PgReader(payload);
        var what = r.ReadByte();
        if (what is not ((byte)'S' or (byte)'P'))
        {
            throw new PgProtocolException($"'{PgFrame.Printable(what)}' is neither 'S' (statement) nor 'P' (portal)");
        }

        var name = r.ReadCString();
        ExpectEnd(r);
        return (what, name);
    }

    private static void ExpectEnd(PgReader r)
    {
        if (r.Remaining != 0)
        {
            throw new PgProtocolException($"{r.Remaining} bytes follow its last field");
        }
    }

    private static void ExpectEmpty(in ReadOnlySequence<byte> payload)
    {
        if (!payload.IsEmpty)
        {
            throw new PgProtocolException($"it should have no fields but has {payload.Length} bytes");
        }
    }
}
