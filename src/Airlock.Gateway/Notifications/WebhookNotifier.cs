using System.Security.Cryptography;
using System.Threading.Channels;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Secrets;
using Airlock.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Airlock.Gateway.Notifications;

/// <summary>
/// Posts approval events to the configured webhooks (issue 7, docs/webhooks.md).
/// <code>
///  Notify ─► per webhook: subscribed? ─► TryWrite to its bounded queue ──full──► dropped (AL0832), counted
///                                          │ (never waits: it runs on a session's or an approver's path)
///                                          ▼
///            one loop per webhook ─► POST, signed ─► 2xx: delivered
///                                      ├─ network error, timeout, 408, 429, 5xx ─► wait 1 s, 2 s, 4 s… ─► again, up to max_attempts (AL0830)
///                                      └─ other 4xx ─► refused, not retried (AL0831)
/// </code>
/// The queue is in memory: what is queued when the process dies is lost. Disposal stops taking new
/// notifications and lets the queued ones go out for <see cref="WebhookNotifierOptions.DrainTimeout"/>.
/// </summary>
internal sealed partial class WebhookNotifier : IApprovalNotifier, IAsyncDisposable
{
    private readonly WebhookNotifierOptions _options;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Outbox[] _outboxes;
    private readonly Task _loops;
    private long _delivered;
    private long _failed;
    private long _dropped;
    private int _disposed;

    public WebhookNotifier(IReadOnlyList<WebhookEndpoint> endpoints, WebhookNotifierOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger ?? NullLogger.Instance;

        // Redirects are not followed: the signed request goes only where it was configured to.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _outboxes = [.. endpoints.Select(e => new Outbox(e, Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true })))];
        _loops = Task.WhenAll(_outboxes.Select(o => Task.Run(() => RunAsync(o))));
    }

    /// <summary>Notifications answered 2xx.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Notifications refused with a 4xx or failed on their last attempt.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Notifications never sent: the queue was full, or the notifier stopped before their turn.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The notifier for the configured webhooks; secrets and URL references are read now.</summary>
    public static WebhookNotifier FromConfig(GatewayConfig config, SecretResolver secrets, TimeProvider time, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var endpoints = config.Webhooks.Select((w, i) => WebhookEndpoint.FromConfig(w, i, secrets)).ToList();
        return new WebhookNotifier(endpoints, new WebhookNotifierOptions { Instance = config.Instance, Time = time }, logger);
    }

    public void Notify(ApprovalNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var pending = new Pending(notification, NewDeliveryId());
        foreach (var outbox in _outboxes)
        {
            if (outbox.Endpoint.Events.Contains(notification.Event) && !outbox.Queue.Writer.TryWrite(pending))
            {
                Drop(outbox, pending, Volatile.Read(ref _disposed) == 0 ? "the queue is full" : "the gateway is stopping");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var outbox in _outboxes)
        {
            outbox.Queue.Writer.TryComplete();
        }

        try
        {
            await _loops.WaitAsync(_options.DrainTimeout, _options.Time);
        }
        catch (TimeoutException)
        {
            // What is still queued or in flight is given up below.
        }

        await _stopping.CancelAsync();
#pragma warning disable VSTHRD003 // This notifier's own delivery loops; they end once stopping is cancelled.
        await _loops;
#pragma warning restore VSTHRD003
        foreach (var outbox in _outboxes)
        {
            while (outbox.Queue.Reader.TryRead(out var left))
            {
                Drop(outbox, left, "the gateway stopped before it was sent");
            }
        }

        _http.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync(Outbox outbox)
    {
        var stopping = _stopping.Token;
        try
        {
            await foreach (var pending in outbox.Queue.Reader.ReadAllAsync(stopping))
            {
                try
                {
                    await DeliverAsync(outbox.Endpoint, pending, stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    Drop(outbox, pending, "the gateway stopped while it was being delivered");
                    throw;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug in one delivery must not end the loop and leave the queue to fill.
                    Interlocked.Increment(ref _failed);
                    WebhookLog.GaveUp(_logger, outbox.Endpoint.Name, pending.Notification.Event, pending.DeliveryId, pending.Notification.Request.Id, 0, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Disposal's deadline passed; what is left is counted as dropped.
        }
    }

    private void Drop(Outbox outbox, Pending pending, string reason)
    {
        Interlocked.Increment(ref _dropped);
        WebhookLog.Dropped(_logger, outbox.Endpoint.Name, pending.Notification.Event, pending.Notification.Request.Id, reason);
    }

    /// <summary>One id per notification, the same on every attempt, so receivers can drop repeats.</summary>
    private static string NewDeliveryId() => "dlv_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private sealed record Pending(ApprovalNotification Notification, string DeliveryId);

    private sealed record Outbox(WebhookEndpoint Endpoint, Channel<Pending> Queue);
}
