using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Gateway.Configuration;

/// <summary>The <c>audit:</c> section: how durable appends are, whether the trail is required, and how checkpoints are signed.</summary>
public sealed record AuditConfig
{
    public AuditDurability Durability { get; init; } = AuditDurability.Crash;

    /// <summary>True (the default): an action whose event cannot be recorded is refused.</summary>
    public bool Required { get; init; } = true;

    /// <summary>The ECDSA P-256 private key (PEM) that signs checkpoints; null writes no checkpoints.</summary>
    public ConfiguredSecret? SigningKey { get; init; }

    public int CheckpointEveryEvents { get; init; } = 1000;

    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The trail options these settings mean.</summary>
    public AuditTrailOptions ToTrailOptions() => new()
    {
        Required = Required,
        CheckpointEveryEvents = CheckpointEveryEvents,
        CheckpointInterval = CheckpointInterval,
    };
}
