using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Airlock.Pipeline;
using Airlock.Policy.Model;
using Airlock.Postgres.Protocol;
using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// What one client may hold (issue 14, class I): a seat among the connections logging in
/// (<see cref="LoginSlots"/>), and statements no larger than <see cref="PgGatewayOptions.MaxStatement"/>.
/// An oversized Query or Parse is refused from its header and skipped as its bytes arrive: it is never held
/// whole, never parsed, and the audit records its length and SHA-256, not its text.
/// </summary>
internal sealed partial class PgClientConnection
{
    /// <summary>The longest Parse statement name looked for at the start of an oversized Parse.</summary>
    private const int MaxStatementNameScan = 4096;

    /// <summary>The rule id an oversized statement's refusal is recorded under.</summary>
    private const string StatementSizeRule = "airlock:statement-size";

    /// <summary>An oversized statement being skipped: its type, total bytes, bytes still to skip, Parse name, running hash.</summary>
    private sealed class Oversized(byte type, long length, string? name) : IDisposable
    {
        public byte Type { get; } = type;

        public long Length { get; } = length;

        public long Remaining { get; set; } = length;

        public string? Name { get; } = name;

        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Dispose() => Hash.Dispose();
    }

    private Oversized? _oversized;

    /// <summary>The startup and login, within a seat of <see cref="LoginSlots"/>; a connection with no seat free is refused at once (AL0957).</summary>
    private async Task<bool> StartupWithinSlotsAsync(CancellationToken stopping)
    {
        if (LoginSlots is { } slots && !slots.TryEnter())
        {
            await RefuseNoSeatAsync(slots.Limit);
            return false;
        }

        try
        {
            return await StartupAsync(stopping);
        }
        finally
        {
            LoginSlots?.Exit();
        }
    }

    /// <summary>
    /// Says no before reading anything, then lets the client finish sending its startup packet (read and
    /// dropped, for at most a second) so that closing does not reset the connection under the error.
    /// </summary>
    private async Task RefuseNoSeatAsync(int limit)
    {
        await TrySendFatalAsync(GatewayErrors.TooManyUnauthenticated(limit));
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var scratch = new byte[512];
            while (await _socket.ReceiveAsync(scratch, SocketFlags.None, drain.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Gone, or too slow: closed either way.
        }
    }

    /// <summary>
    /// Starts skipping the message at the front of <paramref name="buffer"/> if it is a Query or Parse over
    /// the statement limit. False when it is not, or when more bytes are needed to read a Parse's name.
    /// </summary>
    private bool TryStartOversized(ref ReadOnlySequence<byte> buffer, out bool needMore)
    {
        needMore = false;
        if (buffer.Length < 5)
        {
            return false;
        }

        var type = buffer.FirstSpan[0];
        var length = PgFrame.PeekLength(buffer);
        // Beyond the per-message limit it is not a statement to skip but a protocol violation (PgFrame says so).
        if (type is not ((byte)'Q' or (byte)'P') || length <= _options.MaxStatement || length > _options.MaxClientMessage)
        {
            return false;
        }

        string? name = null;
        if (type == (byte)'P')
        {
            // The statement's name comes first: the refusal must be remembered under it (a later Bind of it is AL0905).
            var head = buffer.Slice(5, Math.Min(buffer.Length - 5, MaxStatementNameScan));
            if (head.PositionOf((byte)0) is not { } nul)
            {
                needMore = head.Length < MaxStatementNameScan;
                return needMore ? false : throw new PgProtocolException($"a Parse message larger than the statement limit has no statement name within its first {MaxStatementNameScan} bytes");
            }

            name = Utf8(head.Slice(0, nul).ToArray());
        }

        _oversized = new Oversized(type, length + 1L, name);
        return true;
    }

    /// <summary>Skips what has arrived of the oversized message; true once all of it is gone.</summary>
    private bool SkipOversized(ref ReadOnlySequence<byte> buffer)
    {
        var oversized = _oversized!;
        var take = Math.Min(oversized.Remaining, buffer.Length);
        foreach (var segment in buffer.Slice(0, take))
        {
            oversized.Hash.AppendData(segment.Span);
        }

        buffer = buffer.Slice(take);
        oversized.Remaining -= take;
        return oversized.Remaining == 0;
    }

    /// <summary>Refuses the oversized statement just skipped (AL0958), as a denied Query or Parse is refused, and records it.</summary>
    private async ValueTask RefuseOversizedAsync(CancellationToken cancellationToken)
    {
        using var oversized = _oversized!;
        _oversized = null;
        if (_skipUntilSync)
        {
            // Skipped anyway, as the server skips after an error until Sync.
            return;
        }

        var hash = Convert.ToHexStringLower(oversized.Hash.GetHashAndReset());
        var verdict = new StatementVerdict
        {
            Effect = RuleEffect.Deny,
            RuleId = StatementSizeRule,
            RuleMessage = $"statement of {oversized.Length} bytes over the limit of {_options.MaxStatement}",
            Analysis = new SqlAnalysis(StatementKind.Unknown, [], null),
            AuditText = $"(statement not read: its message has {oversized.Length} bytes, over the limit of {_options.MaxStatement}; sha256 of the whole message {hash})",
            PolicyRevision = Policy.Revision.ToString(),
        };
        await RecordBlockedAsync(verdict, cancellationToken);
        var error = GatewayErrors.StatementTooLarge(oversized.Length, _options.MaxStatement);
        if (oversized.Type == (byte)'Q')
        {
            Refuse(error, simpleQuery: true);
            return;
        }

        _statements.Remove(oversized.Name!);
        _deniedStatements[oversized.Name!] = verdict;
        Refuse(error, simpleQuery: false);
    }

    /// <summary>The refusal the client gets for a verdict that is not an allow.</summary>
    private static PgError RefusalFor(StatementVerdict verdict) =>
        GatewayErrors.ForGuardRule(verdict.RuleId, verdict.RuleMessage) ?? (verdict.NeedsMfa
            ? GatewayErrors.MfaRequired(verdict.RuleId)
            : verdict.Effect == RuleEffect.Review
            ? GatewayErrors.ReviewRequired(verdict.RuleId, verdict.RuleMessage)
            : GatewayErrors.Denied(verdict.RuleId, verdict.RuleMessage));
}
