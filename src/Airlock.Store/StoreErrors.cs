namespace Airlock.Store;

/// <summary>
/// Stable error ids for the store. An id never changes meaning once published; docs/audit.md lists them.
/// </summary>
public static class StoreErrors
{
    public const string BadLocation = "AL0701";
    public const string CannotOpen = "AL0702";
    public const string ReadOnly = "AL0703";
    public const string Full = "AL0704";
    public const string SchemaTooNew = "AL0705";
    public const string IoError = "AL0706";
    public const string Unavailable = "AL0707";
    public const string Conflict = "AL0708";
    public const string AuditHeadMissing = "AL0709";

    /// <summary>An SQLite store file (or its -wal, -shm, -journal) or its directory may be written by group or others: refused (issue 14, class J).</summary>
    public const string UnsafePermissions = "AL1024";

    /// <summary>Warning: an SQLite store file was readable by group or others; the store made it 0600 and went on.</summary>
    public const string PermissionsFixed = "AL1025";
}
