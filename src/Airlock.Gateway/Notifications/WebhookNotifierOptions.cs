namespace Airlock.Gateway.Notifications;

/// <summary>How the notifier queues, times out and backs off; tests shrink the delays instead of sleeping.</summary>
internal sealed record WebhookNotifierOptions
{
    /// <summary>This gateway's name, sent in each payload.</summary>
    public required string Instance { get; init; }

    /// <summary>Notifications waiting per webhook; past this, new ones are dropped (AL0832), never waited for.</summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>One attempt's limit, from sending the request to the answer's headers.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; it doubles after each further one.</summary>
    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>No wait between attempts is longer, whatever the doubling or a Retry-After asks.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long disposal lets queued notifications go out before it cancels the rest.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeProvider Time { get; init; } = TimeProvider.System;
}
