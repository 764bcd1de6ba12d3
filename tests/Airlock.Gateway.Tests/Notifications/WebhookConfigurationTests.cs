using Airlock.Gateway.Configuration;
using Airlock.Gateway.Notifications;
using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;
using Airlock.Pipeline;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Tests.Notifications;

public sealed class WebhookConfigurationTests : IDisposable
{
    private const string Head = "listen: { postgres: 127.0.0.1:5432 }\npolicy: p\nstore: s.db\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private GatewayConfigLoadResult Load(string webhooks, SecretResolver? secrets = null) =>
        GatewayConfigLoader.Load(_dir.Write("gateway.yaml", Head + webhooks), secrets);

    [Fact]
    public void Webhooks_load_with_their_settings_and_defaults()
    {
        var result = Load("""
            webhooks:
              - url: https://hooks.example.com/airlock
                secret: env:AIRLOCK_WEBHOOK_SECRET
                events: [created, break_glass]
                max_attempts: 3
              - url: env:SLACK_WEBHOOK_URL
                format: slack
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var (json, slack) = (result.Config!.Webhooks[0], result.Config.Webhooks[1]);
        Assert.Equal((new Uri("https://hooks.example.com/airlock"), WebhookFormat.Json, 3), (json.Url, json.Format, json.MaxAttempts));
        Assert.Equal(new SecretReference(SecretSource.Env, "AIRLOCK_WEBHOOK_SECRET"), json.Secret!.Reference);
        Assert.Equal(["created", "break_glass"], json.Events);
        Assert.Equal((5, 5), (json.Location.Line, json.Location.Column));
        Assert.Equal((null, WebhookFormat.Slack, null, 5), (slack.Url, slack.Format, slack.Secret, slack.MaxAttempts));
        Assert.Equal("env:SLACK_WEBHOOK_URL", slack.UrlSecret!.ToString());
        Assert.Equal(ApprovalEvents.All, slack.Events);
    }

    [Fact]
    public void No_webhooks_by_default() => Assert.Empty(Load("").Config!.Webhooks);

    [Theory]
    [InlineData("webhooks: [ { url: ftp://example.com/x } ]", 4, 20, GatewayErrors.InvalidValue, "url must be an absolute http:// or https:// URL")]
    [InlineData("webhooks: [ { url: /hooks/airlock } ]", 4, 20, GatewayErrors.InvalidValue, "url must be an absolute")]
    [InlineData("webhooks: [ { url: \"https://\" } ]", 4, 20, GatewayErrors.InvalidValue, "url must be an absolute")]
    [InlineData("webhooks: [ { url: https://h.example/x, format: teams } ]", 4, 49, GatewayErrors.InvalidValue, "webhook 1: format must be one of: json, slack")]
    [InlineData("webhooks: [ { url: https://h.example/x, events: [created, approvd] } ]", 4, 59, GatewayErrors.InvalidValue, "webhook 1: events must be one of: created, approved, denied, expired, break_glass")]
    [InlineData("webhooks: [ { url: https://h.example/x, events: [] } ]", 4, 49, GatewayErrors.InvalidValue, "events must be a non-empty list")]
    [InlineData("webhooks: [ { url: https://h.example/x, max_attempts: 0 } ]", 4, 55, GatewayErrors.InvalidValue, "max_attempts must be a whole number from 1 to 20")]
    [InlineData("webhooks: [ { url: https://h.example/x, retries: 3 } ]", 4, 41, GatewayErrors.UnknownKey, "unknown key 'retries' in webhook 1")]
    [InlineData("webhooks: [ { url: https://h.example/x, secrte: env:S } ]", 4, 41, GatewayErrors.UnknownKey, "did you mean 'secret'?")]
    [InlineData("webhooks: [ { format: slack } ]", 4, 13, GatewayErrors.MissingKey, "webhook 1 needs 'url'")]
    [InlineData("webhooks: { url: https://h.example/x }", 4, 11, GatewayErrors.InvalidValue, "webhooks must be a list")]
    [InlineData("webhooks: [ https://h.example/x ]", 4, 13, GatewayErrors.InvalidValue, "webhook 1 must be a mapping")]
    [InlineData("webhooks: [ { url: https://h.example/x, secret: whsec-literal-123 } ]", 4, 49, GatewayErrors.LiteralSecret, "webhook 1: secret is a secret")]
    public void Bad_webhooks_are_reported_at_their_place_with_a_stable_id(string line4, int line, int column, string id, string message)
    {
        var result = Load(line4 + "\n");

        Assert.False(result.Succeeded);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal((id, line, column), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.StartsWith($"{_dir.Combine("gateway.yaml")}:{line}:{column}: error {id}: ", diagnostic.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("whsec-literal-123", diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Webhook_secrets_and_url_references_must_resolve_when_secrets_are_checked()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOOK_URL"] = "https://hooks.example.com/x" };
        var result = Load("""
            webhooks:
              - { url: env:HOOK_URL, secret: env:NO_SUCH_WEBHOOK_SECRET }
              - { url: file:missing-url.txt }
            """, new SecretResolver(env.GetValueOrDefault));

        Assert.All(result.Diagnostics, d => Assert.Equal(GatewayErrors.SecretUnresolved, d.Id));
        Assert.Equal([(5, 34), (6, 12)], result.Diagnostics.Select(d => (d.Location.Line, d.Location.Column)));
    }

    [Fact]
    public void A_url_reference_that_does_not_hold_a_url_is_refused_when_the_webhook_is_built_without_quoting_it()
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOOK_URL"] = "not-a-url-but-a-secret", ["HOOK_SECRET"] = "s3cr3t" };
        var config = Load("webhooks: [ { url: env:HOOK_URL } ]\n").Config!.Webhooks[0];

        var error = Assert.Throws<GatewayException>(() => WebhookEndpoint.FromConfig(config, 0, new SecretResolver(env.GetValueOrDefault)));
        Assert.Equal(GatewayErrors.InvalidValue, error.ErrorId);
        Assert.DoesNotContain("not-a-url", error.Message, StringComparison.Ordinal);

        var good = WebhookEndpoint.FromConfig(config with { Url = new Uri("https://h.example:8443/services/T1/B2/secret-path"), UrlSecret = null, Secret = new ConfiguredSecret(new SecretReference(SecretSource.Env, "HOOK_SECRET"), default) }, 1, new SecretResolver(env.GetValueOrDefault));
        Assert.Equal(("s3cr3t", "webhook 2 (https://h.example:8443)"), (good.Secret, good.Name));
    }

    [Fact]
    public void Webhook_error_ids_have_titles_in_the_gateway_range()
    {
        Assert.All([GatewayErrors.WebhookGaveUp, GatewayErrors.WebhookRefused, GatewayErrors.WebhookDropped], id => Assert.True(GatewayErrors.Titles.ContainsKey(id)));
        Assert.Equal(3, new[] { GatewayErrors.WebhookGaveUp, GatewayErrors.WebhookRefused, GatewayErrors.WebhookDropped }.Distinct(StringComparer.Ordinal).Count());
    }
}
