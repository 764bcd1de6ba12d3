using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Airlock.Postgres.Tests.Robustness;

/// <summary>One message the gateway sent: its type byte and payload (a lone 'S'/'N' answer to SSLRequest has an empty payload).</summary>
public sealed record BackendMessage(char Type, byte[] Payload)
{
    /// <summary>The fields of an ErrorResponse or NoticeResponse: field code → value.</summary>
    public IReadOnlyDictionary<char, string> Fields()
    {
        var fields = new Dictionary<char, string>();
        var position = 0;
        while (position < Payload.Length && Payload[position] != 0)
        {
            var code = (char)Payload[position++];
            var end = Array.IndexOf(Payload, (byte)0, position);
            if (end < 0)
            {
                break;
            }

            fields[code] = Encoding.UTF8.GetString(Payload, position, end - position);
            position = end + 1;
        }

        return fields;
    }
}

/// <summary>What came back on a raw connection: the messages, whether the gateway closed it, and any bytes that did not frame.</summary>
public sealed record BackendReply(IReadOnlyList<BackendMessage> Messages, bool Closed, int Leftover)
{
    public IEnumerable<IReadOnlyDictionary<char, string>> Errors => Messages.Where(m => m.Type == 'E').Select(m => m.Fields());

    public override string ToString() =>
        $"closed={Closed}, leftover={Leftover}, messages=[{string.Join(", ", Messages.Select(m => m.Type == 'E' || m.Type == 'N' ? $"{m.Type}({string.Join("; ", m.Fields().Select(f => $"{f.Key}={f.Value}"))})" : m.Type.ToString()))}]";
}

/// <summary>A bare TCP connection to the gateway that speaks bytes, right or wrong, and reads what comes back.</summary>
public sealed class RawPgClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly List<byte> _pending = [];

    private RawPgClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawPgClient> ConnectAsync(int port, CancellationToken cancellationToken = default)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return new RawPgClient(tcp);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>This end's address as the gateway sees the client ("127.0.0.1:port").</summary>
    public string LocalEndpoint => _tcp.Client.LocalEndPoint is IPEndPoint ip ? $"{(ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address)}:{ip.Port}" : "?";

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _stream.WriteAsync(bytes, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>Half-closes: the gateway reads end-of-stream, and can still answer.</summary>
    public void ShutdownSend() => _tcp.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Closes with a reset instead of a FIN (an abrupt client).</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    /// <summary>Startup as <paramref name="user"/>, the token as the password, and reads until ReadyForQuery.</summary>
    public async Task<BackendReply> LoginAsync(string user = "alice", string token = Support.GatewayHarness.AliceToken, string database = "demo", CancellationToken cancellationToken = default)
    {
        await SendAsync(PgFrames.Startup(("user", user), ("database", database)), cancellationToken);
        var asked = await ReadUntilAsync('R', TimeSpan.FromSeconds(10));
        var request = asked.Messages.LastOrDefault();
        if (request is not { Type: 'R' } || BinaryPrimitives.ReadInt32BigEndian(request.Payload) != 3)
        {
            throw new InvalidOperationException("the gateway did not ask for a cleartext password: " + asked);
        }

        await SendAsync(PgFrames.Password(token), cancellationToken);
        var reply = await ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
        if (reply.Messages.LastOrDefault()?.Type != 'Z')
        {
            throw new InvalidOperationException("the login did not finish: " + reply);
        }

        return reply;
    }

    /// <summary>Reads messages until one of <paramref name="type"/> arrives, the connection closes, or the time is up.</summary>
    public Task<BackendReply> ReadUntilAsync(char type, TimeSpan timeout) => ReadAsync(m => m.Type == type, timeout, idle: null);

    /// <summary>Reads until the gateway closes the connection (or the time is up: then Closed is false).</summary>
    public Task<BackendReply> ReadUntilClosedAsync(TimeSpan timeout) => ReadAsync(_ => false, timeout, idle: null);

    /// <summary>Reads until the connection closes, nothing arrives for <paramref name="idle"/>, or <paramref name="timeout"/> is up.</summary>
    public Task<BackendReply> ReadForAsync(TimeSpan idle, TimeSpan timeout) => ReadAsync(_ => false, timeout, idle);

    /// <summary>Reads single bytes (the answer to SSLRequest or GSSENCRequest).</summary>
    public async Task<char?> ReadByteAsync(TimeSpan timeout)
    {
        if (_pending.Count == 0)
        {
            using var cancel = new CancellationTokenSource(timeout);
            var buffer = new byte[1];
            if (await _stream.ReadAsync(buffer, cancel.Token) == 0)
            {
                return null;
            }

            _pending.Add(buffer[0]);
        }

        var first = _pending[0];
        _pending.RemoveAt(0);
        return (char)first;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private async Task<BackendReply> ReadAsync(Func<BackendMessage, bool> stop, TimeSpan timeout, TimeSpan? idle)
    {
        var messages = new List<BackendMessage>();
        var closed = false;
        var buffer = new byte[16384];
        using var overall = new CancellationTokenSource(timeout);
        while (true)
        {
            while (TryTake(out var message))
            {
                messages.Add(message);
                if (stop(message))
                {
                    return new BackendReply(messages, Closed: false, _pending.Count);
                }
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
            if (idle is { } quiet)
            {
                wait.CancelAfter(quiet);
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(buffer, wait.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (IOException ex) when (ex.InnerException is SocketException)
            {
                // A reset after the gateway closed with our bytes still unread: closed all the same.
                closed = true;
                break;
            }

            if (read == 0)
            {
                closed = true;
                break;
            }

            _pending.AddRange(buffer.AsSpan(0, read));
        }

        while (TryTake(out var rest))
        {
            messages.Add(rest);
        }

        return new BackendReply(messages, closed, _pending.Count);
    }

    private bool TryTake(out BackendMessage message)
    {
        message = null!;
        if (_pending.Count < 5)
        {
            return false;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian([_pending[1], _pending[2], _pending[3], _pending[4]]);
        if (length < 4 || _pending.Count < length + 1)
        {
            return false;
        }

        message = new BackendMessage((char)_pending[0], [.. _pending.GetRange(5, length - 4)]);
        _pending.RemoveRange(0, length + 1);
        return true;
    }
}
