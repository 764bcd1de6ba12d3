namespace Airlock.Audit;

public sealed record AuditTrailOptions
{
    /// <summary>Sign the head after this many events.</summary>
    public int CheckpointEveryEvents { get; init; } = 1000;

    /// <summary>…or after this long, if there are events not yet covered.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>audit.required</c>, true by default: an event that cannot be recorded fails its append with
    /// <see cref="AuditUnavailableException"/>, so the action is refused rather than run unrecorded. When false,
    /// the append returns an unrecorded receipt (<see cref="AuditReceipt.Recorded"/> false), the action goes on,
    /// and <see cref="AuditTrail.LastFailure"/> reports the outage.
    /// </summary>
    public bool Required { get; init; } = true;

    /// <summary>
    /// How long an event appended with <see cref="AuditTrail.AppendLater"/> may wait for another append's
    /// transaction to carry it before the trail writes it on its own.
    /// </summary>
    public TimeSpan LaterFlushDelay { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>The most events one append transaction carries; more wait for the next.</summary>
    public int MaxBatch { get; init; } = 2048;
}
