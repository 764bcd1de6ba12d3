namespace Airlock.Audit;

/// <summary>
/// An event could not be recorded. With <c>audit.required: true</c> (the default) the gateway refuses the
/// action: nothing runs unrecorded. The message names the store and the cause (full disk, read-only file…).
/// </summary>
public sealed class AuditUnavailableException : Exception
{
    public AuditUnavailableException(string message, string storeErrorId, Exception? inner = null)
        : base(message, inner) => StoreErrorId = storeErrorId;

    public AuditUnavailableException()
        : this("the audit trail is unavailable", AuditErrors.Unavailable)
    {
    }

    public AuditUnavailableException(string message)
        : this(message, AuditErrors.Unavailable)
    {
    }

    public AuditUnavailableException(string message, Exception innerException)
        : this(message, AuditErrors.Unavailable, innerException)
    {
    }

    public static string ErrorId => AuditErrors.Unavailable;

    /// <summary>The store's own error id (e.g. AL0704 for a full disk).</summary>
    public string StoreErrorId { get; }
}
