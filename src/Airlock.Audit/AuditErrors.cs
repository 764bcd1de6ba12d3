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

    // AL0732–AL0741: what verify finds against the checkpoint policy, the head, the canonical form, and outside
    // knowledge (issue 15, class O). docs/audit.md lists each one.

    /// <summary>Events exist but no checkpoint signs any of them (with a key given).</summary>
    public const string NoCheckpoint = "AL0732";

    /// <summary>More events after the last checkpoint than the policy lets go unsigned.</summary>
    public const string TailTooLong = "AL0733";

    /// <summary>An event after the last checkpoint stayed unsigned longer than the policy allows while later events were written.</summary>
    public const string TailTooOld = "AL0734";

    /// <summary>A checkpoint does not come after the one before it, in sequence or in time.</summary>
    public const string CheckpointOutOfOrder = "AL0735";

    /// <summary>The head row disagrees with the chain: its hash, or the checkpoint it records.</summary>
    public const string HeadMismatch = "AL0736";

    /// <summary>An event body reads as an event but is not byte for byte its canonical form (duplicate keys, trailing data, other escapes or number forms, unknown fields).</summary>
    public const string NotCanonical = "AL0737";

    /// <summary>A stored row is malformed: a NULL or a wrongly typed value in a column the schema declares NOT NULL and typed.</summary>
    public const string MalformedRow = "AL0738";

    /// <summary>The trail is behind what the verifier was told to expect (<c>--expect-seq</c>, <c>--expect-checkpoint</c>): it was truncated.</summary>
    public const string BehindExpected = "AL0739";

    /// <summary>The trail's chain or checkpoint at the expected checkpoint's place differs from the exported checkpoint.</summary>
    public const string ExpectedMismatch = "AL0740";

    /// <summary>The expected checkpoint given to verify cannot be used: unreadable, or its signature does not verify with the keys given.</summary>
    public const string BadExpectedCheckpoint = "AL0741";
}
