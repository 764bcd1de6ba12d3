using System.Data.Common;
using Airlock.Store;
using Airlock.TestSupport;
using Npgsql;

namespace Airlock.Audit.Tests.Support;

/// <summary>A fresh database per test in the class's throwaway cluster.</summary>
public sealed class PostgresHarness : StoreHarness
{
    private readonly string _connectionString;

    private PostgresHarness(string connectionString)
    {
        _connectionString = connectionString;
        Location = StoreLocation.Postgres(connectionString);
    }

    public override StoreLocation Location { get; }

    public static async Task<PostgresHarness> CreateAsync(PostgresCluster cluster)
    {
        var database = "audit_" + Guid.NewGuid().ToString("N")[..12];
        await cluster.CreateDatabaseAsync(database);
        return new PostgresHarness(cluster.ConnectionString(database) + ";Pooling=false");
    }

    public override async Task<DbConnection> OpenDirectAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public override string ReplaceInBody(string from, string to) => $"convert_to(replace(convert_from(body, 'UTF8'), '{from}', '{to}'), 'UTF8')";

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
