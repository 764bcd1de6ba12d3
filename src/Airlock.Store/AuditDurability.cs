namespace Airlock.Store;

/// <summary>
/// What an acknowledged append survives. docs/audit.md states each promise and its measured cost.
/// </summary>
public enum AuditDurability
{
    /// <summary>
    /// Survives a crash of the gateway process: the event is in the store's log (SQLite's WAL file, or the
    /// PostgreSQL server) before the action goes on. Log fsyncs are grouped every 10 ms, so a power loss
    /// can cost at most the last 10 ms on SQLite.
    /// </summary>
    Crash,

    /// <summary>
    /// Survives a power loss: the event's log is fsynced before the action goes on. Concurrent appends
    /// share one fsync (group commit).
    /// </summary>
    Power,
}
