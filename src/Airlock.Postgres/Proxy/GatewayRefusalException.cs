using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>Ends the connection with the gateway's own FATAL error (an AL09xx id and its SQLSTATE), sent as it is.</summary>
internal sealed class GatewayRefusalException(PgError error) : Exception(error.Message)
{
    public PgError Error { get; } = error;
}
