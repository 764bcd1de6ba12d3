using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Airlock.Postgres.Proxy;

public sealed record PgGatewayOptions
{
    public IPEndPoint Listen { get; init; } = new(IPAddress.Loopback, 15432);

    /// <summary>The server certificate for TLS (SSLRequest); null refuses TLS.</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>Refuse clients that do not ask for TLS.</summary>
    public bool RequireTls { get; init; }

    /// <summary>The largest message a client may send once logged in (a Bind's parameters, a COPY chunk); statements have their own, smaller limit.</summary>
    public int MaxClientMessage { get; init; } = 64 * 1024 * 1024;

    /// <summary>
    /// The largest Query or Parse message, in bytes (1 MiB by default): a larger one is refused (AL0958) and
    /// skipped as it arrives, never held whole (issue 14: an 8 MB statement took 2.4 GB to analyze).
    /// </summary>
    public int MaxStatement { get; init; } = 1024 * 1024;

    /// <summary>The largest message before login (the password: a token or a JWT), in bytes; a larger one ends the connection (AL0956).</summary>
    public int MaxPreAuthMessage { get; init; } = 64 * 1024;

    /// <summary>How many connections may be in their startup and login at once; more are refused at once (AL0957).</summary>
    public int MaxUnauthenticated { get; init; } = 100;

    /// <summary>How long a client has to finish the startup and login.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
