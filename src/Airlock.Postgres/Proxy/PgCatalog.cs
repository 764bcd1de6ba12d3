using System.Collections.Concurrent;
using Airlock.Postgres.Upstream;
using Npgsql;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Table names and columns of one upstream database, looked up on a side connection (as the resource's
/// brokered user) and cached: RowDescription gives table OIDs, masking needs names. Lookups are rare
/// (once per table per few minutes), so they never sit on the per-row path.
/// </summary>
internal sealed partial class PgCatalog : IAsyncDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private readonly NpgsqlDataSource _dataSource;
    private readonly ConcurrentDictionary<int, (TableInfo? Table, DateTime At)> _byOid = new();
    private readonly ConcurrentDictionary<string, (TableInfo? Table, DateTime At)> _byName = new(StringComparer.Ordinal);

    public PgCatalog(UpstreamTarget target)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = target.Host,
            Port = target.Port,
            Database = target.Database,
            Username = target.User,
            Password = target.Password,
            ApplicationName = "airlock-catalog",
            SslMode = Enum.TryParse<SslMode>(target.SslMode.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode) ? mode : SslMode.Prefer,
            MaxPoolSize = 2,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public async ValueTask<TableInfo?> TableAsync(int oid, CancellationToken cancellationToken)
    {
        if (_byOid.TryGetValue(oid, out var cached) && DateTime.UtcNow - cached.At < Lifetime)
        {
            return cached.Table;
        }

        var table = await LoadAsync("c.oid = @key", oid, cancellationToken);
        _byOid[oid] = (table, DateTime.UtcNow);
        return table;
    }

    /// <summary>A table as written in SQL (maybe unqualified), resolved with the catalog connection's search_path.</summary>
    public async ValueTask<TableInfo?> TableAsync(string name, CancellationToken cancellationToken)
    {
        if (_byName.TryGetValue(name, out var cached) && DateTime.UtcNow - cached.At < Lifetime)
        {
            return cached.Table;
        }

        var table = await LoadAsync("c.oid = to_regclass(@key)", name, cancellationToken);
        _byName[name] = (table, DateTime.UtcNow);
        return table;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<TableInfo?> LoadAsync(string condition, object key, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(
                $"SELECT n.nspname, c.relname, a.attnum, a.attname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
                $"JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped WHERE {condition} ORDER BY a.attnum");
            command.Parameters.AddWithValue("key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            string? schema = null, name = null;
            var columns = new Dictionary<short, string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                schema = reader.GetString(0);
                name = reader.GetString(1);
                columns[reader.GetInt16(2)] = reader.GetString(3);
            }

            return name is null ? null : new TableInfo(schema + "." + name, columns);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // Unknown means "mask when in doubt" to the planner, never "show".
            return null;
        }
    }
}

/// <summary>A table's qualified name and its columns by attribute number.</summary>
internal sealed record TableInfo(string QualifiedName, IReadOnlyDictionary<short, string> Columns);
