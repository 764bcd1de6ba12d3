using System.Collections.Concurrent;
using Npgsql;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// What the catalog says about whether the gateway can trace a statement's data: a view's or foreign
/// table's columns are not the columns policy masks, and a function outside pg_catalog can read any table
/// (issue 14, class C: unknown lineage counts as masked). Cached like the table lookups.
/// </summary>
internal sealed partial class PgCatalog
{
    private readonly ConcurrentDictionary<string, (bool Value, DateTime At)> _plainTables = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (bool Value, DateTime At)> _userFunctions = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="name"/> (as written in SQL) is an ordinary or partitioned table (relkind r or p),
    /// whose columns are the ones policy names. False for views, materialized views, foreign tables, and
    /// whatever cannot be looked up.
    /// </summary>
    public ValueTask<bool> IsPlainTableAsync(string name, CancellationToken cancellationToken) =>
        CachedAsync(_plainTables, name, "SELECT c.relkind IN ('r', 'p') FROM pg_class c WHERE c.oid = to_regclass(@name)", name, null, fallback: false, cancellationToken);

    /// <summary>
    /// Whether a function of this name (as the parser gives it, maybe schema-qualified) exists outside
    /// pg_catalog and information_schema: one that users or extensions defined, whose body can read any
    /// table. True when it cannot be looked up.
    /// </summary>
    public ValueTask<bool> IsUserFunctionAsync(string name, CancellationToken cancellationToken)
    {
        var dot = name.LastIndexOf('.');
        var schema = dot < 0 ? null : name[..dot];
        var function = dot < 0 ? name : name[(dot + 1)..];
        return CachedAsync(
            _userFunctions,
            name,
            "SELECT EXISTS (SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = @name " +
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND (@schema::text IS NULL OR n.nspname = @schema::text))",
            function,
            schema,
            fallback: true,
            cancellationToken);
    }

    private async ValueTask<bool> CachedAsync(ConcurrentDictionary<string, (bool Value, DateTime At)> cache, string key, string sql, string name, string? schema, bool fallback, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(key, out var cached) && DateTime.UtcNow - cached.At < Lifetime)
        {
            return cached.Value;
        }

        bool value;
        try
        {
            await using var command = _dataSource.CreateCommand(sql);
            command.Parameters.AddWithValue("name", name);
            if (sql.Contains("@schema", StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue("schema", (object?)schema ?? DBNull.Value);
            }

            value = await command.ExecuteScalarAsync(cancellationToken) is bool answer ? answer : fallback;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // Unknown is never taken as "nothing to hide".
            return fallback;
        }

        cache[key] = (value, DateTime.UtcNow);
        return value;
    }
}
