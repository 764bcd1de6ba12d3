namespace Airlock.Store;

/// <summary>The committed end of the chain. An empty trail has <c>Seq = 0</c> and an all-zero hash.</summary>
public sealed record AuditChainHead(long Seq, byte[] Hash, long CheckpointId, long CheckpointSeq, long CheckpointTimeMicros)
{
    public const int HashLength = 32;

    /// <summary>
    /// Set by <see cref="IAuditLog.ReadHeadAsync"/> when the head row is malformed (a NULL or a wrongly typed column):
    /// what is wrong. The writer refuses such a head (AL0706) instead of extending a chain from it.
    /// </summary>
    public string? Defect { get; init; }

    public static AuditChainHead Genesis { get; } = new(0, new byte[HashLength], 0, 0, 0);
}
