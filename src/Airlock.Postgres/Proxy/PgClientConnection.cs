using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using Airlock.Audit;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy.Evaluation;
using Airlock.Postgres.Protocol;
using Airlock.Postgres.Upstream;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// One client connection, from the first byte to the last:
/// <code>
///  startup ─► TLS? ─► login (Airlock token) ─► resource = database ─► upstream login (brokered secret)
///     ─► session.start ─┬─ frontend loop: client ─► decide (Parse/Query) ─► audit intent ─► upstream
///                       └─ backend loop:  upstream ─► mask rows, errors, notices ─► max_rows ─► client
///                                         └─ outcome audit per action
///  end: client Terminate, upstream gone, kill, or a policy limit ─► session.end
/// </code>
/// A fault here ends this connection only; the listener and every other session go on.
/// </summary>
internal sealed partial class PgClientConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly PgGatewayServices _services;
    private readonly PgGatewayOptions _options;
    private readonly PgWriter _clientMessages = new();
    private readonly PgWriter _upstreamMessages = new();
    private readonly SemaphoreSlim _clientWrite = new(1, 1);
    private readonly ResponseTracker _tracker = new();
    private readonly Dictionary<string, PreparedStatement> _statements = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Portal> _portals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StatementVerdict> _deniedStatements = new(StringComparer.Ordinal);
    private Stream _clientStream = null!;
    private PipeReader _clientReader = null!;
    private PipeWriter _clientWriter = null!;
    private UpstreamConnection? _upstream;
    private GatewaySession? _session;
    private PgCatalog? _catalog;
    private CancellationTokenSource? _waitCancel;

    /// <summary>The server's transaction status from its last ReadyForQuery ('I' idle, 'T' in a block, 'E' failed).</summary>
    private int _readyStatus = 'I';

    /// <summary>The principal the session's read-only mode was last decided for; the mode is decided again when it changes.</summary>
    private ResolvedPrincipal? _readOnlyDecidedFor;

    public PgClientConnection(Socket socket, PgGatewayServices services, PgGatewayOptions options)
    {
        _socket = socket;
        _services = services;
        _options = options;
        Client = socket.RemoteEndPoint is IPEndPoint ip ? $"{ip.Address}:{ip.Port}" : socket.RemoteEndPoint?.ToString();
        // The key is all that authorizes a CancelRequest, which anyone may send: it must not be predictable
        // (issue 14, class I), so it comes from the OS CSPRNG, as PostgreSQL's own (pg_strong_random).
        ProcessId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        SecretKey = BinaryPrimitives.ReadInt32LittleEndian(RandomNumberGenerator.GetBytes(4));
    }

    public string? Client { get; }

    /// <summary>The process id and key this connection gave its client for CancelRequest (not the upstream's).</summary>
    public int ProcessId { get; }

    public int SecretKey { get; }

    public GatewaySession? Session => _session;

    /// <summary>Set by the listener: the seats of connections still logging in, shared by all.</summary>
    internal LoginSlots? LoginSlots { get; init; }

    private PolicySnapshot Policy => _services.Policy();

    private MaskingEngine Masking => _services.Masking();

    public async Task RunAsync(CancellationToken stopping)
    {
        _clientStream = new NetworkStream(_socket, ownsSocket: false);
        ResetClientPipes();
        try
        {
            if (!await StartupWithinSlotsAsync(stopping))
            {
                // A login that failed after its session started (the client left, the login timed out) still ends it.
                await EndUnfinishedLoginAsync();
                return;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, _session!.Ended);
            var frontend = FrontendLoopAsync(linked.Token);
            var backend = BackendLoopAsync(linked.Token);
            var first = await Task.WhenAny(frontend, backend);
            await linked.CancelAsync();
            await EndSessionAsync(first, frontend, backend, stopping);
        }
        catch (GatewayRefusalException ex)
        {
            await TrySendFatalAsync(ex.Error);
            await EndUnfinishedLoginAsync();
        }
        catch (PgProtocolException ex)
        {
            await TrySendFatalAsync(GatewayErrors.Protocol(ex.Message));
            await EndUnfinishedLoginAsync();
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or AuthenticationException)
        {
            // The client or the server went away, or the client's TLS handshake failed: nothing to tell anyone.
            await EndUnfinishedLoginAsync();
        }
    }

    /// <summary>Ends a session whose login did not get as far as the loops (a no-op once the session was ended).</summary>
    private async Task EndUnfinishedLoginAsync()
    {
        if (_session is { } session)
        {
            await _services.Sessions.EndAsync(session, "login not completed");
        }
    }

    /// <summary>
    /// A CancelRequest with this connection's key: ends a wait for an approver, or asks the upstream to
    /// cancel the running statement.
    /// </summary>
    public Task CancelAsync()
    {
        try
        {
            Volatile.Read(ref _waitCancel)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The wait ended as the cancel came.
        }

        return _upstream?.CancelAsync() ?? Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_upstream is not null)
            {
                await _upstream.DisposeAsync();
            }

            // Each on its own: the writer's flush of what is left fails on a client that is gone.
            await Teardown.QuietlyAsync(() => _clientWriter.CompleteAsync());
            await Teardown.QuietlyAsync(() => _clientReader.CompleteAsync());
            await Teardown.QuietlyAsync(() => _clientStream.DisposeAsync());
        }
        finally
        {
            // Whatever failed above, the client's socket is closed: a client must never be left hanging.
            _socket.Dispose();
            _session?.Dispose();
            _clientWrite.Dispose();
        }
    }

    private void ResetClientPipes()
    {
        _clientReader = PipeReader.Create(_clientStream, new StreamPipeReaderOptions(bufferSize: 65536, minimumReadSize: 8192, leaveOpen: true));
        _clientWriter = PipeWriter.Create(_clientStream, new StreamPipeWriterOptions(minimumBufferSize: 16384, leaveOpen: true));
    }

    private async Task EndSessionAsync(Task first, Task frontend, Task backend, CancellationToken stopping)
    {
        var session = _session!;
        string reason;
        if (session.EndReason is { } end)
        {
            var code = end.Code switch
            {
                SessionEndCode.Idle => "57P05",
                _ => "57P01",
            };
            await TrySendFatalAsync(new PgError(code, end.Message, Severity: "FATAL"));
            reason = end.AuditReason ?? end.Code.ToString().ToLowerInvariant();
        }
        else if (stopping.IsCancellationRequested)
        {
            await TrySendFatalAsync(new PgError("57P01", SessionEnd.Shutdown.Message, Severity: "FATAL"));
            reason = "shutdown";
        }
        else
        {
            reason = first == frontend ? "client closed" : "server closed";
            if (first.Exception?.InnerException is PgProtocolException protocol)
            {
                await TrySendFatalAsync(GatewayErrors.Protocol(protocol.Message));
                reason = "protocol error";
            }
        }

        try
        {
            await Task.WhenAll(frontend, backend).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or TimeoutException or PgProtocolException or ObjectDisposedException or InvalidOperationException)
        {
            // Loops end by cancellation or by their socket closing; their errors are the session's end, not a fault.
        }

        await _services.Sessions.EndAsync(session, reason);
    }

    private async Task TrySendFatalAsync(PgError error)
    {
        try
        {
            await WriteToClientAsync(w => _clientMessages.Error(w, error.Severity == "FATAL" ? error : error.AsFatal()), CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            // The client is gone already.
        }
    }

    /// <summary>Writes gateway-made messages to the client under the write lock, and flushes.</summary>
    private async ValueTask WriteToClientAsync(Action<PipeWriter> write, CancellationToken cancellationToken)
    {
        await _clientWrite.WaitAsync(cancellationToken);
        try
        {
            write(_clientWriter);
            await _clientWriter.FlushAsync(cancellationToken);
        }
        finally
        {
            _clientWrite.Release();
        }
    }

    private static long Now() => Stopwatch.GetTimestamp();

    private static long MicrosSince(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;

    private AuditEvent ActionEvent(string kind, StatementVerdict verdict) => new()
    {
        Kind = kind,
        SessionId = _session!.Id,
        User = _session.User.Name,
        Resource = _session.Resource,
        Client = Client,
        ActionType = "sql",
        Text = verdict.AuditText,
        StatementKind = verdict.Analysis.Kind.ToString().ToLowerInvariant(),
        Tables = verdict.Analysis.AllTables,
        Decision = verdict.Effect.ToString().ToLowerInvariant(),
        Rule = verdict.RuleId,
        PolicyRevision = verdict.PolicyRevision,
        Detail = verdict.ApprovalId is { } approval ? new Dictionary<string, string>(StringComparer.Ordinal) { ["approval_id"] = approval } : null,
    };
}
