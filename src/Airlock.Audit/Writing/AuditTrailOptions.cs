namespace Airlock.Audit;

public sealed record AuditTrailOptions
{
    /// <summary>Sign the head after this many events.</summary>
    public int CheckpointEveryEvents { get; init; } = 1000;

    /// <summary>…or after this long, if there are events not yet covered.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The most events one append transaction carries; more wait for the next.</summary>
    public int MaxBatch { get; init; } = 2048;
}
