using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Upstream;

/// <summary>
/// The gateway's own connection to the database, logged in with the resource's brokered credentials
/// (SCRAM-SHA-256, md5, cleartext or trust). The engineer never sees them: only the gateway reads the
/// secret, at connect time.
/// </summary>
internal sealed class UpstreamConnection : IAsyncDisposable
{
    private const int MaxMessage = 1 << 30;
    private readonly TcpClient _tcp;
    private readonly Stream _stream;

    private UpstreamConnection(TcpClient tcp, Stream stream, UpstreamTarget target)
    {
        _tcp = tcp;
        _stream = stream;
        Target = target;
        Reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 65536, minimumReadSize: 16384));
        Writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 16384));
    }

    public UpstreamTarget Target { get; }

    public PipeReader Reader { get; }

    public PipeWriter Writer { get; }

    public int ProcessId { get; private set; }

    public int SecretKey { get; private set; }

    /// <summary>ParameterStatus values the server sent during login, in order.</summary>
    public List<KeyValuePair<string, string>> Parameters { get; } = [];

    /// <summary>Connects and logs in; returns after the server's first ReadyForQuery.</summary>
    public static async Task<UpstreamConnection> ConnectAsync(UpstreamTarget target, IReadOnlyList<KeyValuePair<string, string>> startupParameters, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(target.Host, target.Port, cancellationToken);
            Stream stream = tcp.GetStream();
            stream = await NegotiateTlsAsync(stream, target, cancellationToken);
            var connection = new UpstreamConnection(tcp, stream, target);
            await connection.LoginAsync(startupParameters, cancellationToken);
            return connection;
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            tcp.Dispose();
            throw new UpstreamAuthenticationException($"cannot reach the database at {target.Host}:{target.Port} ({ex.Message})", ex);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Asks the server to cancel what this connection is running (a CancelRequest on a new connection).</summary>
    public async Task CancelAsync()
    {
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(Target.Host, Target.Port);
        var request = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request, 16);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), 80877102);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), ProcessId);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(12), SecretKey);
        await tcp.GetStream().WriteAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Terminate, so the server ends the backend at once instead of noticing a dropped socket later.
            Writer.Write("X\0\0\0\u0004"u8);
            await Writer.FlushAsync();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Already gone.
        }

        // Completing the writer writes what is still buffered (the Terminate above, when its flush failed); on a
        // socket that is gone that throws, and must not keep the reader and the socket from being released.
        await Teardown.QuietlyAsync(() => Writer.CompleteAsync());
        await Teardown.QuietlyAsync(() => Reader.CompleteAsync());
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }

    private static async Task<Stream> NegotiateTlsAsync(Stream stream, UpstreamTarget target, CancellationToken cancellationToken)
    {
        var mode = target.SslMode.ToLowerInvariant();
        if (mode is "disable" or "allow")
        {
            return stream;
        }

        var request = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request, 8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), 80877103);
        await stream.WriteAsync(request, cancellationToken);
        var answer = new byte[1];
        await stream.ReadExactlyAsync(answer, cancellationToken);
        if (answer[0] != (byte)'S')
        {
            return mode == "prefer" ? stream : throw new UpstreamAuthenticationException($"the database at {target.Host}:{target.Port} does not offer TLS, and the resource requires it (sslmode {mode})");
        }

        var verify = mode is "verify-ca" or "verify-full";
        var tls = new SslStream(stream, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions
            {
                TargetHost = target.Host,
                RemoteCertificateValidationCallback = (_, _, _, errors) =>
                    !verify || errors == SslPolicyErrors.None || (mode == "verify-ca" && errors == SslPolicyErrors.RemoteCertificateNameMismatch),
            },
            cancellationToken);
        return tls;
    }

    private async Task LoginAsync(IReadOnlyList<KeyValuePair<string, string>> startupParameters, CancellationToken cancellationToken)
    {
        var w = new PgWriter().Start(0).Int32(196608).CString("user").CString(Target.User).CString("database").CString(Target.Database);
        foreach (var (name, value) in startupParameters)
        {
            w.CString(name).CString(value);
        }

        w.Byte(0).Finish(Writer);
        await Writer.FlushAsync(cancellationToken);

        ScramSha256Client? scram = null;
        while (true)
        {
            var (type, payload) = await ReadMessageAsync(cancellationToken);
            switch ((char)type)
            {
                case 'R':
                    await AnswerAuthenticationAsync(payload, ref scram, cancellationToken);
                    break;
                case 'S':
                    var p = new PgReader(payload);
                    Parameters.Add(new(p.ReadCString(), p.ReadCString()));
                    break;
                case 'K':
                    var k = new PgReader(payload);
                    ProcessId = k.ReadInt32();
                    SecretKey = k.ReadInt32();
                    break;
                case 'Z':
                    return;
                case 'E':
                    var error = PgErrorFields.Parse(payload);
                    throw new UpstreamAuthenticationException($"the database refused the gateway's login: {error.SqlState} {error.Message}") { SqlState = error.SqlState };
                case 'N':
                    break;
                default:
                    throw new UpstreamAuthenticationException($"the database sent an unexpected message '{PgFrame.Printable(type)}' during login");
            }
        }
    }

    private Task AnswerAuthenticationAsync(byte[] payload, ref ScramSha256Client? scram, CancellationToken cancellationToken)
    {
        var r = new PgReader(payload);
        var code = r.ReadInt32();
        var password = Target.Password;
        var w = new PgWriter();
        switch (code)
        {
            case 0:
                return Task.CompletedTask;
            case 3:
                w.Start((byte)'p').CString(RequirePassword(password)).Finish(Writer);
                break;
            case 5:
                var salt = r.ReadBytes(4).ToArray();
                w.Start((byte)'p').CString(Md5Password(RequirePassword(password), Target.User, salt)).Finish(Writer);
                break;
            case 10:
                var mechanisms = new List<string>();
                while (r.Remaining > 1)
                {
                    mechanisms.Add(r.ReadCString());
                }

                if (!mechanisms.Contains(ScramSha256Client.Mechanism))
                {
                    throw new UpstreamAuthenticationException($"the database offers only {string.Join(", ", mechanisms)}; the gateway speaks SCRAM-SHA-256");
                }

                scram = new ScramSha256Client(RequirePassword(password));
                var first = scram.ClientFirst();
                w.Start((byte)'p').CString(ScramSha256Client.Mechanism).Int32(first.Length).Bytes(first).Finish(Writer);
                break;
            case 11:
                var final = (scram ?? throw new UpstreamAuthenticationException("SCRAM continue before SCRAM start")).ClientFinal(r.ReadBytes(r.Remaining));
                w.Start((byte)'p').Bytes(final).Finish(Writer);
                break;
            case 12:
                (scram ?? throw new UpstreamAuthenticationException("SCRAM final before SCRAM start")).VerifyServerFinal(r.ReadBytes(r.Remaining));
                return Task.CompletedTask;
            default:
                throw new UpstreamAuthenticationException($"the database asks for authentication method {code}, which the gateway does not support (use scram-sha-256, md5, password or trust)");
        }

        return Writer.FlushAsync(cancellationToken).AsTask();
    }

    private async Task<(byte Type, byte[] Payload)> ReadMessageAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await Reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (PgFrame.TryRead(ref buffer, MaxMessage, out var type, out var payload, out _))
            {
                var bytes = payload.ToArray();
                Reader.AdvanceTo(buffer.Start);
                return (type, bytes);
            }

            if (result.IsCompleted)
            {
                throw new UpstreamAuthenticationException("the database closed the connection during login");
            }

            Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private string RequirePassword(string? password) =>
        password ?? throw new UpstreamAuthenticationException($"the database asks for a password for {Target.User}, and the resource has none configured");

    /// <summary>md5 auth: "md5" + md5hex(md5hex(password + user) + salt) (https://www.postgresql.org/docs/15/protocol-flow.html).</summary>
    private static string Md5Password(string password, string user, byte[] salt)
    {
#pragma warning disable CA5351 // PostgreSQL's md5 method is what the server asks for; the gateway only answers it.
        var inner = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(password + user)));
        var outer = MD5.HashData([.. Encoding.ASCII.GetBytes(inner), .. salt]);
#pragma warning restore CA5351
        return "md5" + Convert.ToHexStringLower(outer);
    }
}
