using Airlock.Store.Postgres;
using Airlock.Store.Relational;
using Airlock.Store.Sqlite;

namespace Airlock.Store;

/// <summary>Opens a store and brings its schema up to date.</summary>
public static class StoreFactory
{
    /// <summary>
    /// Opens the store at <see cref="StoreOptions.Location"/>, applying pending schema migrations (unless read-only).
    /// Failures are <see cref="StoreException"/>s with a stable id and a message that names the store.
    /// </summary>
    public static async ValueTask<IAirlockStore> OpenAsync(StoreOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        StoreDialect dialect = options.Location.Kind switch
        {
            StoreKind.Sqlite => new SqliteDialect(options),
            StoreKind.Postgres => new PostgresDialect(options),
            _ => throw new StoreException(StoreErrors.BadLocation, $"unknown store kind {options.Location.Kind}"),
        };
        return await RelationalStore.OpenAsync(dialect, options, cancellationToken).ConfigureAwait(false);
    }
}
