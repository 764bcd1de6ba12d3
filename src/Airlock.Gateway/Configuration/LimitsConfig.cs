namespace Airlock.Gateway.Configuration;

/// <summary>
/// What one PostgreSQL client may hold of the gateway (issue 14, class I): statement size, connections
/// logging in at once, and the time a login may take. docs/gateway.md documents the keys.
/// </summary>
public sealed record LimitsConfig
{
    /// <summary>The largest Query or Parse message, in bytes.</summary>
    public int MaxStatement { get; init; } = 1024 * 1024;

    /// <summary>How many connections may be in their startup and login at once.</summary>
    public int MaxUnauthenticated { get; init; } = 100;

    /// <summary>How long a client has to finish its startup and login.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
