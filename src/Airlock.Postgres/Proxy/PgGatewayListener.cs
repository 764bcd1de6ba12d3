using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Accepts PostgreSQL clients and runs each connection on its own task. A fault in one connection ends
/// that connection only. CancelRequests find their connection by the key it handed out.
/// </summary>
public sealed class PgGatewayListener : IAsyncDisposable
{
    private readonly PgGatewayServices _services;
    private readonly PgGatewayOptions _options;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<PgClientConnection, Task> _connections = new();
    private readonly LoginSlots _loginSlots;
    private Task? _accepting;
    private int _connectionFaults;

    public PgGatewayListener(PgGatewayServices services, PgGatewayOptions options)
    {
        _services = services ?? throw new ArgumentNullException(nameof(services));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _listener = new TcpListener(options.Listen);
        _loginSlots = new LoginSlots(options.MaxUnauthenticated);
    }

    /// <summary>Connections in their startup and login now (for health and tests).</summary>
    public int LoggingIn => _loginSlots.Taken;

    /// <summary>Where it listens (the real port when configured with port 0).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    public int ConnectionCount => _connections.Count;

    /// <summary>Connections that ended on an unexpected fault (closed; the listener went on). For health and tests.</summary>
    public int ConnectionFaults => Volatile.Read(ref _connectionFaults);

    /// <summary>The last fault's exception type and message.</summary>
    public string? LastFault { get; private set; }

    public void Start()
    {
        _listener.Start(backlog: 512);
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_accepting is not null)
        {
#pragma warning disable VSTHRD003 // Our own accept loop, started in Start.
            await _accepting;
#pragma warning restore VSTHRD003
        }

        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            // Connections that did not finish in time are abandoned with the process.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            socket.NoDelay = true;
            var connection = new PgClientConnection(socket, _services, _options) { CancelHandler = CancelAsync, LoginSlots = _loginSlots };

            // On the books before it runs: a connection that fails at once (its task removes it as it ends)
            // could otherwise end before being added, and be added after, to stay there for good.
            _connections[connection] = Task.CompletedTask;
            var running = RunConnectionAsync(connection);
            _connections.TryUpdate(connection, running, Task.CompletedTask);
        }
    }

    private async Task RunConnectionAsync(PgClientConnection connection)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync(_stop.Token);
        }
#pragma warning disable CA1031 // One connection's fault must never take the listener or other sessions down.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            CountFault(ex);
        }
        finally
        {
            try
            {
                await connection.DisposeAsync();
            }
#pragma warning disable CA1031 // A failed clean-up is a fault too; it must not keep the connection on the books.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                CountFault(ex);
            }
            finally
            {
                _connections.TryRemove(connection, out _);
            }
        }
    }

    private void CountFault(Exception ex)
    {
        LastFault = $"{ex.GetType().Name}: {ex.Message}";
        Interlocked.Increment(ref _connectionFaults);
    }

    private async Task CancelAsync(int processId, int secretKey)
    {
        // Constant work per candidate; the key is 32 random bits per connection.
        foreach (var connection in _connections.Keys)
        {
            if (connection.ProcessId == processId && connection.SecretKey == secretKey)
            {
                await connection.CancelAsync();
                return;
            }
        }
    }
}
