using System.Diagnostics;
using System.Text;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Notifications;
using Airlock.Pipeline;
using static Airlock.Gateway.Tests.Notifications.WebhookSamples;

namespace Airlock.Gateway.Tests.Notifications;

public sealed class WebhookNotifierTests
{
    private const string Secret = "whsec-test-0123456789";

    [Fact]
    public async Task A_json_notification_arrives_with_every_field_and_a_signature_that_verifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using (var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url, Secret = Secret }))
        {
            notifier.Notify(Created());
            await receiver.WaitForAsync(1);
        }

        var request = Assert.Single(receiver.Requests);
        var json = request.Json;
        Assert.Equal("/hooks/airlock", request.Path);
        Assert.Equal(
            ["event", "id", "kind", "state", "requester", "resource", "rule", "grant", "reason", "action", "actor", "comment", "at", "expires_at", "instance"],
            json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("created", "apr_0123456789abcdef0123", "action", "pending"), (json.GetProperty("event").GetString(), json.GetProperty("id").GetString(), json.GetProperty("kind").GetString(), json.GetProperty("state").GetString()));
        Assert.Equal(("alice", "demo", "prod-writes-need-review", "alice"), (json.GetProperty("requester").GetString(), json.GetProperty("resource").GetString(), json.GetProperty("rule").GetString(), json.GetProperty("actor").GetString()));
        Assert.Equal("DELETE FROM orders WHERE id = 1", json.GetProperty("action").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("grant").ValueKind);
        Assert.Equal(At, json.GetProperty("at").GetDateTimeOffset());
        Assert.Equal(At.AddHours(1), json.GetProperty("expires_at").GetDateTimeOffset());
        Assert.Equal("gw-test", json.GetProperty("instance").GetString());

        Assert.Equal("created", request.Header(WebhookSignature.EventHeader));
        Assert.StartsWith("dlv_", request.Header(WebhookSignature.DeliveryHeader), StringComparison.Ordinal);
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        var timestamp = request.Header(WebhookSignature.TimestampHeader)!;
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var signature = request.Header(WebhookSignature.SignatureHeader);
        Assert.True(WebhookSignature.Verify(Secret, timestamp, request.Body, signature));
        Assert.False(WebhookSignature.Verify("another-secret", timestamp, request.Body, signature));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(request.Body).Replace("alice", "mallory", StringComparison.Ordinal)), signature));
        Assert.False(WebhookSignature.Verify(Secret, (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), request.Body, signature));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, request.Body, null));
        Assert.False(WebhookSignature.Verify(Secret, timestamp, request.Body, "sha256=zz"));
    }

    [Fact]
    public async Task A_slack_notification_is_a_readable_line_and_valid_section_blocks_without_a_signature_when_no_secret_is_set()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var created = Created() with { Request = Request() with { ActionSummary = "DELETE FROM orders WHERE note = '<b>`x`</b>'\nparameters: $1 = '1'" } };
        await using (var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url, Format = WebhookFormat.Slack }))
        {
            notifier.Notify(created);
            await receiver.WaitForAsync(1);
        }

        var request = Assert.Single(receiver.Requests);
        Assert.Null(request.Header(WebhookSignature.SignatureHeader));
        Assert.NotNull(request.Header(WebhookSignature.TimestampHeader));
        var text = request.Json.GetProperty("text").GetString();
        Assert.Equal(
            ":hourglass: alice asks to run on demo (rule prod-writes-need-review): `DELETE FROM orders WHERE note = '&lt;b&gt;'x'&lt;/b&gt;' …` — approve: `airlock reviews approve apr_0123456789abcdef0123`",
            text);
        var blocks = request.Json.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(3, blocks.Count);
        Assert.All(blocks, b => Assert.Equal("section", b.GetProperty("type").GetString()));
        Assert.Equal(("mrkdwn", text), (blocks[0].GetProperty("text").GetProperty("type").GetString(), blocks[0].GetProperty("text").GetProperty("text").GetString()));
        var fields = blocks[1].GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("text").GetString()).ToList();
        Assert.Contains("*Requester*\nalice", fields);
        Assert.Contains("*Gateway*\ngw-test", fields);
        Assert.Contains("parameters: $1 = '1'", blocks[2].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_gets_three_attempts_with_the_same_delivery_id()
    {
        await using var receiver = await WebhookReceiver.StartAsync(n => n <= 2 ? 500 : 200);
        await using var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url, Secret = Secret });

        notifier.Notify(Created());
        await EventuallyAsync(() => notifier.Delivered == 1, "delivered");

        var requests = receiver.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Single(requests.Select(r => r.Header(WebhookSignature.DeliveryHeader)).Distinct());
        Assert.All(requests, r => Assert.True(WebhookSignature.Verify(Secret, r.Header(WebhookSignature.TimestampHeader)!, r.Body, r.Header(WebhookSignature.SignatureHeader))));
        Assert.Equal((0L, 0L), (notifier.Failed, notifier.Dropped));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Timeouts_throttling_and_server_errors_are_retried_up_to_max_attempts(int status)
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => status);
        await using var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url, MaxAttempts = 4 });

        notifier.Notify(Created());
        await EventuallyAsync(() => notifier.Failed == 1, "given up");

        Assert.Equal(4, receiver.Requests.Count);
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(n => n == 1 ? 400 : 200);
        await using var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url });

        notifier.Notify(Created("apr_first"));
        notifier.Notify(Created("apr_second"));
        await EventuallyAsync(() => notifier.Delivered == 1, "the second delivered");

        // One queue per webhook, in order: the second arriving means the first was not tried again.
        Assert.Equal(["apr_first", "apr_second"], receiver.Requests.Select(r => r.Json.GetProperty("id").GetString()));
        Assert.Equal(1L, notifier.Failed);
    }

    [Fact]
    public async Task A_network_error_is_retried_then_given_up()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var notifier = Notifier(new WebhookEndpoint { Url = new Uri($"http://127.0.0.1:{port}/hook"), MaxAttempts = 3 });

        notifier.Notify(Created());
        await EventuallyAsync(() => notifier.Failed == 1, "given up");
        Assert.Equal(0L, notifier.Delivered);
    }

    [Fact]
    public async Task Events_a_webhook_did_not_subscribe_to_are_not_sent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url, Events = new HashSet<string>([ApprovalEvents.Approved], StringComparer.Ordinal) });

        notifier.Notify(Created());
        notifier.Notify(new ApprovalNotification(ApprovalEvents.Approved, Request() with { State = ActionApprovals.Approved }, "bob", At));
        await EventuallyAsync(() => notifier.Delivered == 1, "approved delivered");

        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("approved", "bob"), (request.Json.GetProperty("event").GetString(), request.Json.GetProperty("actor").GetString()));
        Assert.Equal(0L, notifier.Dropped);
    }

    [Fact]
    public async Task Notify_returns_at_once_when_the_receiver_hangs_and_a_full_queue_drops_instead_of_waiting()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 0);
        var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url }, capacity: 2, drain: TimeSpan.FromMilliseconds(200), attemptTimeout: TimeSpan.FromMinutes(5));
        notifier.Notify(Created("apr_in_flight"));
        await receiver.WaitForAsync(1);

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++)
        {
            notifier.Notify(Created($"apr_{i}"));
        }

        clock.Stop();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"10 notifications took {clock.Elapsed}");
        Assert.Equal(8L, notifier.Dropped);

        // Disposal waits for the drain deadline, then gives up the one in flight and the two queued.
        await notifier.DisposeAsync();
        Assert.Equal((11L, 0L), (notifier.Dropped, notifier.Delivered));
        notifier.Notify(Created("apr_after"));
        Assert.Equal(12L, notifier.Dropped);
    }

    [Fact]
    public async Task Disposal_delivers_what_is_queued()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var notifier = Notifier(new WebhookEndpoint { Url = receiver.Url });
        for (var i = 0; i < 5; i++)
        {
            notifier.Notify(Created($"apr_{i}"));
        }

        await notifier.DisposeAsync();

        Assert.Equal(5L, notifier.Delivered);
        Assert.Equal(5, receiver.Requests.Count);
    }

    [Fact]
    public void The_documented_signature_example_holds()
    {
        const string body = """{"event":"created","id":"apr_3f0c9a1b2c3d4e5f6a7b","kind":"action","state":"pending","requester":"alice","resource":"demo","rule":"prod-writes-need-review","grant":null,"reason":null,"action":"DELETE FROM orders WHERE id = 1","actor":"alice","comment":null,"at":"2026-11-22T13:05:00+00:00","expires_at":"2026-11-22T14:05:00+00:00","instance":"gw-1"}""";
        const string signature = "sha256=de3da954927f8bb5927d208f671f2035fb4eb031b99a08ae92f5c261a3e2effd";

        Assert.Equal(signature, WebhookSignature.Sign("whsec-example", 1795352700, Encoding.UTF8.GetBytes(body)));
        Assert.True(WebhookSignature.Verify("whsec-example", "1795352700", Encoding.UTF8.GetBytes(body), signature));
        Assert.Contains(body, File.ReadAllText(Path.Combine(Support.RepoPaths.Root, "docs", "webhooks.md")), StringComparison.Ordinal);
        Assert.Equal(body, Encoding.UTF8.GetString(WebhookPayload.Json(new ApprovalNotification(ApprovalEvents.Created, Request("apr_3f0c9a1b2c3d4e5f6a7b"), "alice", At), "gw-1")));
    }

    [Fact]
    public async Task Backoff_doubles_from_the_first_delay_up_to_the_cap_and_honours_a_longer_retry_after()
    {
        await using var notifier = new WebhookNotifier([], new WebhookNotifierOptions { Instance = "gw" });

        Assert.Equal([1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 7).Select(a => notifier.Backoff(a, null).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(7), notifier.Backoff(1, TimeSpan.FromSeconds(7)));
        Assert.Equal(TimeSpan.FromSeconds(30), notifier.Backoff(1, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromSeconds(4), notifier.Backoff(3, TimeSpan.FromSeconds(1)));
    }
}
