using Airlock.Store.Tests.Support;

namespace Airlock.Store.Tests.Conformance;

/// <summary>
/// The store's one conformance suite: every test here runs on SQLite (<c>Sqlite/SqliteStoreTests</c>) and on a
/// real PostgreSQL server (<c>Postgres/PostgresStoreTests</c>), through the public API only, so both backends
/// keep the same promises. Backend-specific faults live in the derived classes.
/// </summary>
/// <remarks>
/// xunit makes a new instance of the derived class for each test, so "the current store" below is per test.
/// </remarks>
public abstract partial class StoreConformanceTests
{
    /// <summary>A fixed, microsecond-exact time that the tests count from.</summary>
    protected static DateTimeOffset T0 => new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Creates a new, empty location (a file path that does not exist yet, or a new empty database), makes it
    /// the current store of the test, and opens it. With <paramref name="readOnly"/> the open fails, as the
    /// store was never created; the location is the current one all the same.
    /// </summary>
    protected abstract Task<IAirlockStore> OpenStoreAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false);

    /// <summary>Opens the current store (the location of the last <see cref="OpenStoreAsync"/>) again, as another instance.</summary>
    protected abstract Task<IAirlockStore> ReopenStoreAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false);

    /// <summary>
    /// Runs SQL on the current store's database directly, not through the store (as an administrator or an
    /// attacker with file access would), and returns the first column of the first row as text ("" when none).
    /// </summary>
    protected abstract Task<string> RunSqlAsync(string sql);

    protected static async Task<IReadOnlyList<AuditRow>> ReadAllAsync(IAirlockStore store, AuditQuery? query = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.Audit.ReadAsync(query ?? AuditQuery.All).ToListAsync();
    }

    protected static async Task<IReadOnlyList<AuditCheckpointRow>> ReadCheckpointsAsync(IAirlockStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await store.Audit.ReadCheckpointsAsync().ToListAsync();
    }

    protected static async Task<StoreException> AssertStoreErrorAsync(string errorId, Func<Task> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var ex = await Assert.ThrowsAsync<StoreException>(action);
        Assert.True(errorId == ex.ErrorId, $"expected {errorId}, got {ex}");
        return ex;
    }

    protected static async Task DisposeAllAsync(IEnumerable<IAirlockStore> stores)
    {
        ArgumentNullException.ThrowIfNull(stores);
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
