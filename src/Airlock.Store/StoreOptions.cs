namespace Airlock.Store;

/// <summary>How to open a store.</summary>
public sealed record StoreOptions
{
    public required StoreLocation Location { get; init; }

    public AuditDurability Durability { get; init; } = AuditDurability.Crash;

    /// <summary>Opens without migrating or writing, for verify, search and export of a store in use or on read-only media.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>In <see cref="AuditDurability.Crash"/> mode, how often the log is fsynced (the power-loss window).</summary>
    public TimeSpan CrashFlushInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Told of what the store fixed on its own and went on with (an id such as <see cref="StoreErrors.PermissionsFixed"/>
    /// and a message naming the file, never a secret); nothing when null.
    /// </summary>
    public Action<string, string>? Warning { get; init; }

    /// <summary>
    /// SQLite only: <c>PRAGMA max_page_count</c> for every connection the store opens. SQLite keeps this limit per
    /// connection, not in the file, so only the store can set it; the tests use it to make a real SQLITE_FULL
    /// without filling a disk.
    /// </summary>
    internal long? SqliteMaxPageCount { get; init; }
}
