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

    /// <summary>The largest message a client may send (a statement, a COPY chunk).</summary>
    public int MaxClientMessage { get; init; } = 64 * 1024 * 1024;

    /// <summary>How long a client has to finish the startup and login.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
