using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// What verify holds the trail to, beyond the chain: the checkpoint policy the gateway signs by (with a key
/// given, the unsigned tail may be no longer and no older than it allows), and what the verifier knows from
/// outside the store (an expected sequence number or an exported checkpoint), without which a clean
/// truncation back to a checkpoint cannot be seen.
/// </summary>
public sealed record AuditVerifyOptions
{
    public static AuditVerifyOptions Default { get; } = new();

    /// <summary>The gateway's <c>audit.checkpoint.every_events</c> (1000): a commit never leaves this many events unsigned.</summary>
    public int CheckpointEveryEvents { get; init; } = 1000;

    /// <summary>The gateway's <c>audit.checkpoint.every</c> (10 s): the checkpoint timer signs the head at least this often.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Slack on <see cref="CheckpointInterval"/> (5 s): a busy writer slot, a slow store transaction, clock skew
    /// between gateways sharing a store. An unsigned event older than interval + grace, measured against the
    /// newest event (which proves a writer was alive then), fails verify (AL0734).
    /// </summary>
    public TimeSpan CheckpointGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The verifier's clock. Used once: a trail with no checkpoint at all is accepted only while its first event is
    /// younger than interval + grace (a new store whose first checkpoint is not due yet); after that it fails (AL0732).
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary><c>--expect-seq</c>: the trail must reach at least this event (AL0739 otherwise).</summary>
    public long? ExpectSeq { get; init; }

    /// <summary>
    /// <c>--expect-checkpoint</c>: a checkpoint exported earlier (<c>airlock audit checkpoint export</c>) and kept away
    /// from the store. Its signature must verify with a key given (AL0741 otherwise); the trail must reach it
    /// (AL0739) and agree with it, checkpoint and chain (AL0740).
    /// </summary>
    public AuditCheckpointRow? ExpectCheckpoint { get; init; }
}
