using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Airlock.Gateway.Notifications;

internal sealed partial class WebhookNotifier
{
    /// <summary>Every attempt of one notification: the same body and delivery id, a fresh timestamp and signature.</summary>
    private async Task DeliverAsync(WebhookEndpoint endpoint, Pending pending, CancellationToken stopping)
    {
        var notification = pending.Notification;
        var body = WebhookPayload.For(endpoint.Format, notification, _options.Instance);
        for (var attempt = 1; ; attempt++)
        {
            var result = await SendAsync(endpoint, pending, body, stopping);
            if (result.Status is >= 200 and < 300)
            {
                Interlocked.Increment(ref _delivered);
                return;
            }

            if (!result.Retryable)
            {
                Interlocked.Increment(ref _failed);
                WebhookLog.Refused(_logger, endpoint.Name, notification.Event, pending.DeliveryId, notification.Request.Id, result.Status);
                return;
            }

            if (attempt >= endpoint.MaxAttempts)
            {
                Interlocked.Increment(ref _failed);
                WebhookLog.GaveUp(_logger, endpoint.Name, notification.Event, pending.DeliveryId, notification.Request.Id, attempt, result.Problem);
                return;
            }

            var delay = Backoff(attempt, result.RetryAfter);
            WebhookLog.Retrying(_logger, endpoint.Name, notification.Event, pending.DeliveryId, attempt, result.Problem, delay);
            await Task.Delay(delay, _options.Time, stopping);
        }
    }

    /// <summary>First, 2×first, 4×first… capped; a longer Retry-After (429, 503) is honoured up to the cap.</summary>
    internal TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var doubled = _options.FirstRetryDelay * Math.Pow(2, Math.Min(attempt - 1, 30));
        var delay = doubled < _options.MaxRetryDelay ? doubled : _options.MaxRetryDelay;
        return retryAfter is { } asked && asked > delay ? (asked < _options.MaxRetryDelay ? asked : _options.MaxRetryDelay) : delay;
    }

    private async Task<Attempt> SendAsync(WebhookEndpoint endpoint, Pending pending, byte[] body, CancellationToken stopping)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Airlock-Webhooks/1");
        var timestamp = _options.Time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.Add(WebhookSignature.EventHeader, pending.Notification.Event);
        request.Headers.Add(WebhookSignature.DeliveryHeader, pending.DeliveryId);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        if (endpoint.Secret is { } secret)
        {
            request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        }

        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _options.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            var retryable = status is (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.TooManyRequests or >= 500;
            return new Attempt(status, retryable, $"HTTP {status}", response.Headers.RetryAfter?.Delta);
        }
        catch (HttpRequestException ex)
        {
            // The message names the host and port and the socket's reason, never the path or the body.
            return new Attempt(0, Retryable: true, $"network error: {ex.Message}", null);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            return new Attempt(0, Retryable: true, $"no answer within {_options.AttemptTimeout.TotalSeconds:0.###} s", null);
        }
    }

    /// <summary>One attempt's outcome: the HTTP status (0 when none came), and whether trying again may help.</summary>
    private readonly record struct Attempt(int Status, bool Retryable, string Problem, TimeSpan? RetryAfter);
}
