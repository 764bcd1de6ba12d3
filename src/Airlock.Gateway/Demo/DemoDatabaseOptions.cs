namespace Airlock.Gateway.Demo;

/// <summary>Where and how <see cref="DemoDatabase"/> runs its throwaway PostgreSQL.</summary>
public sealed record DemoDatabaseOptions
{
    /// <summary>
    /// The directory that holds the cluster (<c>pgdata/</c>, and <c>pgrun/</c> with the socket and the server log).
    /// Null: a fresh temporary directory, removed on dispose. A directory that exists is used as it is and kept.
    /// </summary>
    public string? Directory { get; init; }

    /// <summary>The PostgreSQL 15 bin directory; by default <c>$AIRLOCK_PG_BIN</c>, else <c>/usr/lib/postgresql/15/bin</c>.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>The TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    public int Customers { get; init; } = DemoData.DefaultCustomers;

    public int Orders { get; init; } = DemoData.DefaultOrders;

    public int Seed { get; init; } = DemoData.DefaultSeed;
}
