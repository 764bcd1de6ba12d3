using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Notifications;
using Airlock.Gateway.Tests.Support;
using Airlock.Pipeline;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Tests.Notifications;

/// <summary>The gateway as <c>airlock serve</c> runs it, with a webhook in its config: approval events reach the receiver.</summary>
public sealed class WebhookGatewayTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_held_statement_and_its_approval_are_posted_signed_to_the_configured_webhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        _dir.Write("webhook.secret", "whsec-gateway-test\n");
        var path = _dir.Write("airlock.yaml", $"""
            listen: {"{"} postgres: 127.0.0.1:0 {"}"}
            policy: {RepoPaths.SamplePolicies}
            store: sqlite:./airlock.db
            instance: gw-webhooks
            webhooks:
              - url: {receiver.Url}
                secret: file:webhook.secret
                events: [created, approved]
            """);
        var loaded = GatewayConfigLoader.Load(path, new Secrets.SecretResolver());
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));

        await using (var host = await GatewayHost.StartAsync(loaded.Config!))
        {
            var alice = new GatewaySession("s-webhook", new GatewayUser("alice", [], Mfa: false), "demo", null, null, DateTimeOffset.UtcNow);
            const string sql = "DELETE FROM orders WHERE id = 1";
            var verdict = new StatementGate(() => host.Policy.Current, TimeProvider.System).Decide(alice, sql);
            Assert.Equal(RuleEffect.Review, verdict.Effect);

            var held = await host.Approvals.ReviewAsync(alice, verdict, sql, [], default);
            var created = Assert.Single(await receiver.WaitForAsync(1));
            Assert.Equal(("created", held.RequestId, "alice", "gw-webhooks"), (created.Json.GetProperty("event").GetString(), created.Json.GetProperty("id").GetString(), created.Json.GetProperty("requester").GetString(), created.Json.GetProperty("instance").GetString()));
            Assert.Equal(sql, created.Json.GetProperty("action").GetString());
            Assert.True(WebhookSignature.Verify("whsec-gateway-test", created.Header(WebhookSignature.TimestampHeader)!, created.Body, created.Header(WebhookSignature.SignatureHeader)));

            // bob decides with MFA his identity provider saw just now (the rule wants approvers' MFA within 15m).
            await host.Approvals.ApproveAsync(held.RequestId, new GatewayUser("bob", [], Mfa: true) { MfaAt = DateTimeOffset.UtcNow }, "INC-7", default);
            var approved = (await receiver.WaitForAsync(2))[1];
            Assert.Equal(("approved", "bob", "approved"), (approved.Json.GetProperty("event").GetString(), approved.Json.GetProperty("actor").GetString(), approved.Json.GetProperty("state").GetString()));
        }

        Assert.Equal(2, receiver.Requests.Count);
    }
}
