using Airlock.Gateway.Notifications;
using Airlock.Pipeline;
using Airlock.Store;

namespace Airlock.Gateway.Tests.Notifications;

/// <summary>Sample approval events and a notifier with delays small enough that retries take milliseconds.</summary>
internal static class WebhookSamples
{
    public static readonly DateTimeOffset At = new(2026, 11, 22, 13, 5, 0, TimeSpan.Zero);

    public static ApprovalRequestRecord Request(string id = "apr_0123456789abcdef0123") => new()
    {
        Id = id,
        Kind = "action",
        Requester = "alice",
        Resource = "demo",
        ActionSummary = "DELETE FROM orders WHERE id = 1",
        Rule = "prod-writes-need-review",
        PolicyRevision = "sha256:abc",
        State = ActionApprovals.Pending,
        CreatedAt = At,
        ExpiresAt = At.AddHours(1),
    };

    public static ApprovalNotification Created(string id = "apr_0123456789abcdef0123") => new(ApprovalEvents.Created, Request(id), "alice", At);

    public static WebhookNotifier Notifier(WebhookEndpoint endpoint, int capacity = 100, TimeSpan? drain = null, TimeSpan? attemptTimeout = null) =>
        new([endpoint], new WebhookNotifierOptions
        {
            Instance = "gw-test",
            QueueCapacity = capacity,
            FirstRetryDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
            DrainTimeout = drain ?? TimeSpan.FromSeconds(10),
            AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        });

    /// <summary>Polls a condition until it holds, failing after a deadline.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(10);
        }
    }
}
