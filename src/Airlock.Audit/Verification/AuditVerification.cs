namespace Airlock.Audit;

/// <summary>The result of <see cref="AuditVerifier"/>.VerifyAsync.</summary>
public sealed record AuditVerification
{
    /// <summary>True when no problem was found (see <see cref="SignaturesChecked"/> for how much that proves).</summary>
    public bool Ok => Problem is null;

    public AuditProblem? Problem { get; init; }

    public long EventsChecked { get; init; }

    public long CheckpointsChecked { get; init; }

    public long LastSeq { get; init; }

    /// <summary>The last event covered by a valid signed checkpoint (0 when none).</summary>
    public long LastSignedSeq { get; init; }

    public DateTimeOffset? LastCheckpointTime { get; init; }

    /// <summary>Events after the last checkpoint: chained, but not yet covered by a signature.</summary>
    public long UnsignedTail => LastSeq - LastSignedSeq;

    /// <summary>False when no public key was given: the chain was checked, signatures were not.</summary>
    public bool SignaturesChecked { get; init; }

    public TimeSpan Elapsed { get; init; }
}
