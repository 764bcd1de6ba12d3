namespace Airlock.Gateway.Configuration;

/// <summary>The <c>tls:</c> section: the PostgreSQL listener's certificate and key (PEM), both read through references.</summary>
public sealed record TlsConfig
{
    public required ConfiguredSecret Certificate { get; init; }

    public required ConfiguredSecret Key { get; init; }

    /// <summary>True: clients that do not ask for TLS are refused.</summary>
    public bool Require { get; init; }
}
