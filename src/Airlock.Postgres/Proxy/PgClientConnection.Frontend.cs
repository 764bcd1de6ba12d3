using System.Buffers;
using Airlock.Audit;
using Airlock.Pipeline;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

internal sealed partial class PgClientConnection
{
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
            while (PgFrame.TryRead(ref buffer, _options.MaxClientMessage, out var type, out var payload, out var whole))
            {
                _session!.Touch(_services.Time.GetUtcNow());
                if (type == (byte)'X')
                {
                    _clientReader.AdvanceTo(buffer.Start);
                    return;
                }

                if (_skipUntilSync && type != (byte)'S')
                {
                    continue;
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

    private async ValueTask HandleFrontendAsync(byte type, ReadOnlySequence<byte> payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        byte[]? rented = null;
        try
        {
            switch ((char)type)
            {
                case 'Q':
                    await OnQueryAsync(Utf8CString(PgReader.Contiguous(payload, ref rented)), whole, upstream, cancellationToken);
                    break;
                case 'P':
                    await OnParseAsync(PgReader.Contiguous(payload, ref rented).ToArray(), whole, upstream, cancellationToken);
                    break;
                case 'B':
                    if (OnBind(PgReader.Contiguous(payload, ref rented), whole, upstream) is { } refusal)
                    {
                        await RefuseAsync(refusal, thenReady: false, cancellationToken);
                        _skipUntilSync = true;
                    }

                    break;
                case 'D':
                    OnDescribe(PgReader.Contiguous(payload, ref rented), whole, upstream);
                    break;
                case 'E':
                    await OnExecuteAsync(new PgReader(PgReader.Contiguous(payload, ref rented)).ReadCString(), whole, upstream, cancellationToken);
                    break;
                case 'C':
                    OnClose(PgReader.Contiguous(payload, ref rented));
                    _tracker.Enqueue(new Expected(ExpectedKind.Close));
                    Forward(whole, upstream);
                    break;
                case 'S':
                    _skipUntilSync = false;
                    _tracker.Enqueue(new Expected(ExpectedKind.Sync));
                    Forward(whole, upstream);
                    break;
                case 'H' or 'd' or 'c' or 'f':
                    // Flush, and COPY FROM STDIN data: relayed as is (the COPY itself was decided at its Query).
                    Forward(whole, upstream);
                    break;
                case 'F':
                    await RefuseAsync(GatewayErrors.FunctionCallRefused, thenReady: true, cancellationToken);
                    break;
                default:
                    throw new PgProtocolException($"unexpected message type '{PgFrame.Printable(type)}' from the client");
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

    private async ValueTask OnQueryAsync(string sql, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        var verdict = _services.Gate.Decide(_session!, sql);
        if (!verdict.Allowed)
        {
            await RecordBlockedAsync(verdict, cancellationToken);
            await RefuseAsync(RefusalFor(verdict), thenReady: true, cancellationToken);
            return;
        }

        if (await RecordIntentAsync(verdict, cancellationToken) is not { } action)
        {
            await RefuseAsync(GatewayErrors.AuditUnavailable(_services.Audit.LastFailure?.Message ?? "the audit trail is unavailable"), thenReady: true, cancellationToken);
            return;
        }

        _tracker.Enqueue(new Expected(ExpectedKind.Query) { Action = action });
        Forward(whole, upstream);
    }

    private async ValueTask OnParseAsync(byte[] payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream, CancellationToken cancellationToken)
    {
        var r = new PgReader(payload);
        var name = r.ReadCString();
        var sql = r.ReadCString();
        var verdict = _services.Gate.Decide(_session!, sql);
        _statements.Remove(name);
        if (!verdict.Allowed)
        {
            _deniedStatements[name] = verdict;
            await RecordBlockedAsync(verdict, cancellationToken);
            await RefuseAsync(RefusalFor(verdict), thenReady: false, cancellationToken);
            _skipUntilSync = true;
            return;
        }

        _deniedStatements.Remove(name);
        var statement = new PreparedStatement(name, sql, verdict);
        _statements[name] = statement;
        _tracker.Enqueue(new Expected(ExpectedKind.Parse) { Statement = statement });
        Forward(whole, upstream);
    }

    /// <summary>Tracks the portal and forwards the Bind; returns a refusal when it binds a statement policy denied.</summary>
    private PgError? OnBind(ReadOnlySpan<byte> payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream)
    {
        var r = new PgReader(payload);
        var portalName = r.ReadCString();
        var statementName = r.ReadCString();
        var parameterFormats = r.ReadInt16();
        r.ReadBytes(parameterFormats * 2);
        var parameters = r.ReadInt16();
        for (var i = 0; i < parameters; i++)
        {
            var length = r.ReadInt32();
            if (length > 0)
            {
                r.ReadBytes(length);
            }
        }

        var formats = new short[r.ReadInt16()];
        for (var i = 0; i < formats.Length; i++)
        {
            formats[i] = r.ReadInt16();
        }

        if (!_statements.TryGetValue(statementName, out var statement))
        {
            if (_deniedStatements.ContainsKey(statementName))
            {
                return GatewayErrors.DeniedStatement(statementName);
            }

            // Unknown to the gateway: the server will say so in its own words.
            _tracker.Enqueue(new Expected(ExpectedKind.Bind));
            Forward(whole, upstream);
            return null;
        }

        var portal = new Portal(portalName, statement, formats);
        _portals[portalName] = portal;
        _tracker.Enqueue(new Expected(ExpectedKind.Bind) { Portal = portal, Statement = statement });
        Forward(whole, upstream);
        return null;
    }

    private void OnDescribe(ReadOnlySpan<byte> payload, ReadOnlySequence<byte> whole, IBufferWriter<byte> upstream)
    {
        var r = new PgReader(payload);
        var what = r.ReadByte();
        var name = r.ReadCString();
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
            action = await RecordIntentAsync(portal.Statement.Verdict, cancellationToken);
            if (action is null)
            {
                await RefuseAsync(GatewayErrors.AuditUnavailable(_services.Audit.LastFailure?.Message ?? "the audit trail is unavailable"), thenReady: false, cancellationToken);
                _skipUntilSync = true;
                return;
            }
        }

        _tracker.Enqueue(new Expected(ExpectedKind.Execute) { Portal = portal, Statement = portal?.Statement, Action = action });
        Forward(whole, upstream);
    }

    private void OnClose(ReadOnlySpan<byte> payload)
    {
        var r = new PgReader(payload);
        var what = r.ReadByte();
        var name = r.ReadCString();
        if (what == (byte)'S')
        {
            _statements.Remove(name);
            _deniedStatements.Remove(name);
        }
        else
        {
            _portals.Remove(name);
        }
    }

    /// <summary>Sends the gateway's own error where the server's answer would have been (see <see cref="ResponseTracker"/>).</summary>
    private async ValueTask RefuseAsync(PgError error, bool thenReady, CancellationToken cancellationToken)
    {
        if (_tracker.EnqueueRefusalIfBusy(new Expected(ExpectedKind.Refusal) { Error = error, ThenReady = thenReady }))
        {
            return;
        }

        await WriteToClientAsync(
            w =>
            {
                _clientMessages.Error(w, error);
                if (thenReady)
                {
                    _clientMessages.ReadyForQuery(w, _transactionStatus);
                }
            },
            cancellationToken);
    }

    private static PgError RefusalFor(StatementVerdict verdict) => verdict.Effect == Airlock.Policy.Model.RuleEffect.Review
        ? GatewayErrors.ReviewRequired(verdict.RuleId, verdict.RuleMessage)
        : GatewayErrors.Denied(verdict.RuleId, verdict.RuleMessage);

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

    private async ValueTask RecordBlockedAsync(StatementVerdict verdict, CancellationToken cancellationToken)
    {
        try
        {
            await _services.Audit.AppendAsync(ActionEvent(AuditEventKinds.ActionBlocked, verdict) with { Outcome = verdict.Effect == Airlock.Policy.Model.RuleEffect.Review ? "held" : "denied" }, cancellationToken);
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
}
