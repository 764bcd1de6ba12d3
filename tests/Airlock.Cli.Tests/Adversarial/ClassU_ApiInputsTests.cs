using System.Net;
using System.Text;
using Airlock.Pipeline;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 15, class U, through the admin API of a real gateway with the sample policy: token scopes name only
/// resources policy defines (AL1042) and no line breaks or control characters in names or resources (AL1043),
/// so "nonexistent\nresource:demo" cannot show as one scope and grant two; a fractional duration gets a 400
/// with an id, never an empty body; a grant asked for on a resource it changes nothing on is refused (AL1044).
/// Each refusal leaves nothing made: no token, no request, no grant.
/// </summary>
public sealed class ClassU_ApiInputsTests(ApproverViewGateway gateway) : IClassFixture<ApproverViewGateway>
{
    [Theory]
    [InlineData("""{"name":"x","resources":["nonexistent\nresource:demo"],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1043")]
    [InlineData("""{"name":"x","resources":["demo\r"],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1043")]
    [InlineData("""{"name":"x","resources":["demo\u2028resource:orders-prod"],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1043")]
    [InlineData("""{"name":"nightly\u001b[2J\u001b[1;1Hall good","resources":["demo"],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1043")]
    [InlineData("""{"name":"x\ny","resources":["demo"],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1043")]
    [InlineData("""{"name":"x","resources":["nonexistent"],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1042")]
    [InlineData("""{"name":"x","resources":["demo","DEMO "],"sql_kinds":["read"],"expires_in_seconds":3600}""", "AL1042")]
    public async Task A_token_whose_scope_or_name_would_mislead_is_refused_with_an_id_and_nothing_is_made(string json, string id)
    {
        var before = (await gateway.Host.Tokens.ListAsync("carol", default)).Count;

        var (status, body) = await PostAsync("carol", "v1/tokens", json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"\"error_id\":\"{id}\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("alk_", body, StringComparison.Ordinal);
        Assert.Equal(before, (await gateway.Host.Tokens.ListAsync("carol", default)).Count);
    }

    [Fact]
    public async Task A_token_on_a_resource_policy_defines_is_still_made_with_exactly_its_scopes()
    {
        var (status, body) = await PostAsync("carol", "v1/tokens", """{"name":"nightly-checks","resources":["demo"],"sql_kinds":["read"],"expires_in_seconds":3600}""");

        Assert.Equal(HttpStatusCode.OK, status);
        var token = (await gateway.Host.Tokens.ListAsync("carol", default)).Single(t => body.Contains(t.Id, StringComparison.Ordinal));
        Assert.Equal(["resource:demo", "sql:read"], token.Scopes);
    }

    [Theory]
    [InlineData("v1/requests", """{"resource":"demo","grant":"prod-write","duration_seconds":3600.5,"reason":"INC-1"}""")]
    [InlineData("v1/requests", """{"resource":"demo","grant":"prod-write","duration_seconds":0.5,"reason":"INC-1","break_glass":true}""")]
    [InlineData("v1/tokens", """{"name":"x","resources":["demo"],"sql_kinds":["read"],"expires_in_seconds":86400.25}""")]
    public async Task A_fractional_duration_is_a_400_with_an_id_not_an_empty_body(string path, string json)
    {
        var (status, body) = await PostAsync("alice", path, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"error_id\":\"AL1023\"", body, StringComparison.Ordinal);
        Assert.Empty(await gateway.Host.Store.Grants.ListActiveAsync(DateTimeOffset.UtcNow, "alice"));
    }

    [Theory]
    [InlineData("orders-staging", false)]
    [InlineData("stripe", false)]
    [InlineData("k8s-prod", true)]
    public async Task A_grant_on_a_resource_it_changes_nothing_on_is_refused_with_an_id(string resource, bool breakGlass)
    {
        var (status, body) = await PostAsync(
            "alice", "v1/requests", $$"""{"resource":"{{resource}}","grant":"prod-write","duration_seconds":3600,"reason":"INC-7","break_glass":{{(breakGlass ? "true" : "false")}}}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains($"\"error_id\":\"{ApprovalErrors.GrantDoesNotApply}\"", body, StringComparison.Ordinal);
        Assert.Contains("changes nothing on " + resource, body, StringComparison.Ordinal);
        Assert.Empty(await gateway.Host.Store.Grants.ListActiveAsync(DateTimeOffset.UtcNow, "alice"));
        Assert.DoesNotContain(await gateway.Host.Store.Approvals.ListAsync("pending"), r => r.Resource == resource);
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string user, string path, string json)
    {
        using var client = gateway.Api(user);
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
