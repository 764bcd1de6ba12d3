using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Airlock.Postgres.Upstream;

namespace Airlock.Postgres.Tests.Robustness;

/// <summary>
/// Closing the gateway's connection to a database that is already gone must not throw: it used to, when
/// bytes were still buffered (the fuzz test found it), and the exception kept the client connection on the
/// listener's books forever and its socket open.
/// </summary>
public sealed class UpstreamDisposeTests
{
    [Fact]
    public async Task Disposing_an_upstream_whose_server_reset_the_connection_does_not_throw()
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;

        // A server that logs anyone in (AuthenticationOk, ReadyForQuery) and then resets the connection.
        var serving = Task.Run(async () =>
        {
            using var socket = await server.AcceptSocketAsync();
            var buffer = new byte[1024];
            await socket.ReceiveAsync(buffer);
            await socket.SendAsync(PgFrames.Concat(PgFrames.Message('R', PgFrames.Int32(0)), PgFrames.Message('Z', [(byte)'I'])));
            await Task.Delay(200);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        });

        var upstream = await UpstreamConnection.ConnectAsync(new UpstreamTarget("127.0.0.1", port, "db", "user", null, "disable"), [], CancellationToken.None);
        await serving;
        await Task.Delay(200);

        // Bytes the frontend had passed on but not flushed when the session ended.
        upstream.Writer.Write(PgFrames.Query("SELECT 1").AsSpan());
        await upstream.DisposeAsync();
    }
}
