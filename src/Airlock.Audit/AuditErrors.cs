namespace Airlock.Audit;

/// <summary>Stable error ids of the audit trail (docs/audit.md lists each one).</summary>
public static class AuditErrors
{
    /// <summary>An append failed: the action must not run unrecorded.</summary>
    public const string Unavailable = "AL0711";

    public const string BadSigningKey = "AL0712";

    // AL072x: what verify finds.
    public const string HashMismatch = "AL0721";
    public const string MissingEvents = "AL0722";
    public const string OutOfOrder = "AL0723";
    public const string Truncated = "AL0724";
    public const string BadSignature = "AL0725";
    public const string CheckpointMismatch = "AL0726";
    public const string ColumnMismatch = "AL0727";
    public const string UnreadableEvent = "AL0728";
    public const string UnknownKey = "AL0729";
    public const string MissingCheckpoint = "AL0730";
    public const string HeadMissing = "AL0731";
}
