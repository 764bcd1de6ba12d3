using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Airlock.Gateway.Tests.Notifications;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel, a free port) that records every request and answers with the
/// status <see cref="Answer"/> gives for the request's number (1-based); 0 means hang until disposed.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _requests = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    private WebhookReceiver(Func<int, int> answer)
    {
        Answer = answer;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapPost("/{**path}", ReceiveAsync);
    }

    public Func<int, int> Answer { get; }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Requests => [.. _requests];

    public static async Task<WebhookReceiver> StartAsync(Func<int, int>? answer = null)
    {
        var receiver = new WebhookReceiver(answer ?? (_ => 200));
        await receiver._app.StartAsync();
        receiver.Url = new Uri(receiver._app.Urls.First() + "/hooks/airlock");
        return receiver;
    }

    /// <summary>Polls until at least <paramref name="count"/> requests arrived, failing after a deadline.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (_requests.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} webhook request(s) within {seconds} s, got {_requests.Count}");
            await Task.Delay(10);
        }

        return Requests;
    }

    public async ValueTask DisposeAsync()
    {
        _released.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var number = Interlocked.Increment(ref _count);
        _requests.Enqueue(new ReceivedWebhook(request.Path, headers, body.ToArray()));
        var status = Answer(number);
        if (status == 0)
        {
#pragma warning disable VSTHRD003 // This receiver's own gate, opened by its disposal.
            await _released.Task;
#pragma warning restore VSTHRD003
            status = 503;
        }

        return Results.StatusCode(status);
    }
}

/// <summary>One request as it arrived: the raw body bytes, so signatures are checked over exactly what was sent.</summary>
internal sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
