using System.Net.Sockets;

namespace Airlock.Postgres.Protocol;

/// <summary>Closing a connection's pipes and streams, one step at a time, whatever state the peer left them in.</summary>
internal static class Teardown
{
    /// <summary>
    /// Runs one closing step (a pipe's completion, a stream's disposal), ignoring the failures of a peer that
    /// is already gone: completing a writer flushes what is buffered, which throws on a dead socket, and that
    /// must not keep the steps after it from releasing their resources.
    /// </summary>
    public static async Task QuietlyAsync(Func<ValueTask> step)
    {
        try
        {
            await step();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or SocketException)
        {
            // The connection is going away either way.
        }
    }
}
