using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Airlock.Pipeline;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 14, class I (the pipeline's part), through the admin API and the CLI: TOTP guessing gets 429 with an
/// id and Retry-After; a pile of pending requests gets 429 (AL1022); the same access request asked twice is one
/// request; a duration that overflows is a 400 with AL1023, never a 500. Nothing is granted by any of them.
/// </summary>
public sealed partial class ClassI_PipelineAbuseApiTests(ApproverViewGateway gateway) : IClassFixture<ApproverViewGateway>
{
    [Fact]
    public async Task Guessing_bobs_code_with_his_token_is_slowed_down_with_429_and_an_id()
    {
        var secret = Totp.FromBase32(gateway.BobTotp);
        var wrong = Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow) + 9);
        for (var i = 0; i < 5; i++)
        {
            var refused = gateway.Cli("bob", "mfa", "--code", wrong);
            Assert.Contains("403: AL1010", refused.Error, StringComparison.Ordinal);
        }

        using var bob = gateway.Api("bob");
        using var sixth = await bob.PostAsJsonAsync(new Uri("v1/mfa", UriKind.Relative), new { code = Totp.Compute(secret, Totp.StepAt(DateTimeOffset.UtcNow)) });
        Assert.Equal(HttpStatusCode.TooManyRequests, sixth.StatusCode);
        Assert.True(sixth.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, "Retry-After");
        using var body = JsonDocument.Parse(await sixth.Content.ReadAsStringAsync());
        Assert.Equal(IdentityErrors.MfaBackOff, body.RootElement.GetProperty("error_id").GetString());

        var cli = gateway.Cli("bob", "mfa", "--code", wrong);
        Assert.Contains("429: AL1020", cli.Error, StringComparison.Ordinal);
        Assert.Null(await gateway.Host.StepUp.LastStepUpAsync("bob", default));

        // Waited out, the right code is heard and clears the budget.
        await Task.Delay(TimeSpan.FromSeconds(2.2));
        await gateway.StepUpBobAsync();
        Assert.Null(await gateway.Host.Store.MfaStepUps.GetFailuresAsync("bob"));
    }

    [Theory]
    [InlineData("""{"resource":"demo","grant":"prod-write","duration_seconds":9223372036854775807,"reason":"INC-1"}""")]
    [InlineData("""{"resource":"demo","grant":"prod-write","duration_seconds":922337203685477,"reason":"INC-1"}""")]
    [InlineData("""{"resource":"demo","grant":"prod-write","duration_seconds":1e30,"reason":"INC-1"}""")]
    [InlineData("""{"resource":"demo","grant":"prod-write","duration_seconds":"99999999999h","reason":"INC-1"}""")]
    [InlineData("""{"resource":"demo","grant":"prod-write","duration_seconds":-9223372036854775808,"reason":"INC-1","break_glass":true}""")]
    public async Task An_overflowing_or_malformed_duration_for_a_grant_is_a_400_with_an_id(string json)
    {
        var (status, body) = await PostAsync("alice", "v1/requests", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Matches("\"error_id\":\"AL10(23|08)\"", body);
        Assert.Empty(await gateway.Host.Store.Grants.ListActiveAsync(DateTimeOffset.UtcNow, "alice"));
    }

    [Fact]
    public async Task An_overflowing_token_lifetime_or_list_limit_is_a_400_with_AL1023()
    {
        var (status, body) = await PostAsync("carol", "v1/tokens", """{"name":"x","resources":["demo"],"sql_kinds":["read"],"expires_in_seconds":9223372036854775807}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("AL1023", body, StringComparison.Ordinal);

        using var carol = gateway.Api("carol");
        using var list = await carol.GetAsync(new Uri("v1/reviews?limit=99999999999999", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Contains("AL1023", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // And the CLI's own parser says what a duration looks like, before asking anyone.
        var cli = gateway.Cli("alice", "request", "demo", "--grant", "prod-write", "--for", "99999999999h", "--reason", "INC-1");
        Assert.Equal(AirlockCli.Usage, cli.ExitCode);
        Assert.Contains("is not a duration", cli.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_twice_for_the_same_grant_with_the_cli_gives_the_same_request()
    {
        var first = gateway.Cli("carol", "request", "demo", "--grant", "prod-write", "--for", "30m", "--reason", "INC-900");
        var second = gateway.Cli("carol", "request", "demo", "--grant", "prod-write", "--for", "1h", "--reason", "INC-901");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(RequestId().Match(first.Out).Value, RequestId().Match(second.Out).Value);
    }

    [Fact]
    public async Task A_person_with_twenty_requests_waiting_gets_429_for_the_next_and_nothing_is_made()
    {
        for (var i = 0; i < ActionApprovals.DefaultMaxPendingPerUser; i++)
        {
            var held = await gateway.PsqlAsync("alice", $"UPDATE orders SET status = 'pile' WHERE id = {100 + i}");
            Assert.Contains("AL0902", held.StandardError, StringComparison.Ordinal);
        }

        var (status, body) = await PostAsync("alice", "v1/requests", """{"resource":"demo","grant":"prod-write","duration_seconds":600,"reason":"INC-2"}""");
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("\"error_id\":\"AL1022\"", body, StringComparison.Ordinal);

        var psql = await gateway.PsqlAsync("alice", "UPDATE orders SET status = 'one-more' WHERE id = 500");
        Assert.Contains("AL1022", psql.StandardError, StringComparison.Ordinal);
        Assert.Equal("0", await gateway.ScalarAsync("SELECT count(*) FROM orders WHERE status IN ('pile', 'one-more')"));
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string user, string path, string json)
    {
        using var client = gateway.Api(user);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("apr_[0-9a-f]{20}")]
    private static partial Regex RequestId();
}
