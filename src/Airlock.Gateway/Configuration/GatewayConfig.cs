using Airlock.Store;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// The gateway's configuration (<c>airlock serve --config FILE</c>), as loaded and checked by
/// <see cref="GatewayConfigLoader"/>. Paths are absolute (relative ones were resolved against the file's
/// directory) and secrets are references, read only when used. docs/gateway.md documents every key.
/// </summary>
public sealed record GatewayConfig
{
    /// <summary>The configuration file, as an absolute path.</summary>
    public required string SourceFile { get; init; }

    public required ListenConfig Listen { get; init; }

    /// <summary>The policy bundle directory (absolute).</summary>
    public required string PolicyDirectory { get; init; }

    /// <summary>Where the store is; an SQLite path is absolute.</summary>
    public required StoreLocation Store { get; init; }

    /// <summary>This gateway's name in a fleet sharing one store; the machine name by default.</summary>
    public required string Instance { get; init; }

    public AuditConfig Audit { get; init; } = new();

    /// <summary>TLS for the PostgreSQL listener; null means TLS is refused (an SSLRequest is answered 'N').</summary>
    public TlsConfig? Tls { get; init; }

    /// <summary>Static users and their tokens, in file order.</summary>
    public IReadOnlyList<StaticUserConfig> Users { get; init; } = [];

    public AdminConfig Admin { get; init; } = new();

    /// <summary>Runtime overrides of resources' PostgreSQL connections, by resource name.</summary>
    public IReadOnlyDictionary<string, UpstreamOverride> Upstreams { get; init; } = new Dictionary<string, UpstreamOverride>(StringComparer.Ordinal);

    /// <summary>Where approval events are posted (docs/webhooks.md), in file order; none by default.</summary>
    public IReadOnlyList<WebhookConfig> Webhooks { get; init; } = [];

    /// <summary>The identity provider whose OIDC tokens are accepted; null when only static tokens are.</summary>
    public OidcConfig? Oidc { get; init; }

    /// <summary><c>approvals.max_pending_per_user</c>: how many action and access requests one person may have waiting.</summary>
    public int MaxPendingPerUser { get; init; } = Pipeline.ActionApprovals.DefaultMaxPendingPerUser;

    /// <summary>What one PostgreSQL client may hold: statement size, logins at once, login time.</summary>
    public LimitsConfig Limits { get; init; } = new();
}

/// <summary>The addresses the gateway listens on.</summary>
public sealed record ListenConfig
{
    /// <summary>The PostgreSQL wire-protocol listener (psql, JDBC, Npgsql connect here).</summary>
    public required ListenAddress Postgres { get; init; }

    /// <summary>The HTTP listener (admin API, later the web UI); null when not configured.</summary>
    public ListenAddress? Http { get; init; }
}
