namespace Airlock.Store;

/// <summary>The committed end of the chain. An empty trail has <c>Seq = 0</c> and an all-zero hash.</summary>
public sealed record AuditChainHead(long Seq, byte[] Hash, long CheckpointId, long CheckpointSeq, long CheckpointTimeMicros)
{
    public const int HashLength = 32;

    public static AuditChainHead Genesis { get; } = new(0, new byte[HashLength], 0, 0, 0);
}
