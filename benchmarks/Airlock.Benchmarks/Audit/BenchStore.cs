using Airlock.Store;
using Airlock.TestSupport;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// A fresh store for one benchmark: an SQLite file in a new temporary directory, or a database in a
/// throwaway PostgreSQL 15 cluster (<see cref="PostgresCluster"/>) started for it. Disposing closes the
/// store and deletes the directory or stops and deletes the cluster.
/// </summary>
internal sealed class BenchStore : IAsyncDisposable
{
    private readonly string? _directory;
    private readonly PostgresCluster? _cluster;

    private BenchStore(IAirlockStore store, string? directory, PostgresCluster? cluster)
    {
        Store = store;
        _directory = directory;
        _cluster = cluster;
    }

    public IAirlockStore Store { get; }

    /// <summary>The SQLite file, or null for PostgreSQL.</summary>
    public string? SqlitePath => _directory is null ? null : Path.Combine(_directory, "audit.db");

    public static async Task<BenchStore> OpenAsync(StoreKind kind, AuditDurability durability)
    {
        if (kind == StoreKind.Sqlite)
        {
            var directory = Directory.CreateTempSubdirectory("airlock-audit-bench-").FullName;
            var store = await StoreFactory.OpenAsync(new StoreOptions
            {
                Location = StoreLocation.Sqlite(Path.Combine(directory, "audit.db")),
                Durability = durability,
            });
            return new BenchStore(store, directory, cluster: null);
        }

        var cluster = await PostgresCluster.StartAsync();
        try
        {
            await cluster.CreateDatabaseAsync("airlock");
            var store = await StoreFactory.OpenAsync(new StoreOptions
            {
                Location = StoreLocation.Postgres(cluster.ConnectionString("airlock")),
                Durability = durability,
            });
            return new BenchStore(store, directory: null, cluster);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Bytes of the SQLite file and its WAL, or null for PostgreSQL.</summary>
    public long? SqliteBytes()
    {
        if (SqlitePath is not { } path)
        {
            return null;
        }

        return new[] { path, path + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
