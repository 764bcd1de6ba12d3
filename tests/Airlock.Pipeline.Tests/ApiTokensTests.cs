using Airlock.Policy.Model;

namespace Airlock.Pipeline.Tests;

/// <summary>API tokens with the clock moved by hand: expiry, scope at the gate, and sessions ending when their token goes.</summary>
public sealed class ApiTokensTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);

    [Fact]
    public async Task A_token_works_until_it_expires_and_its_sessions_end_then()
    {
        var tokens = new ApiTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var (record, secret) = await tokens.CreateAsync(Alice, "ci", ["demo"], ["read"], TimeSpan.FromHours(1), default);
        Assert.Equal(["resource:demo", "sql:read"], record.Scopes);
        Assert.NotEqual(secret, Convert.ToHexString(record.Hash));

        var user = await tokens.AuthenticateAsync("alice", secret, default);
        Assert.Equal(record.Id, user!.Token!.TokenId);
        Assert.Null(await tokens.AuthenticateAsync("bob", secret, default));
        Assert.Null(await tokens.AuthenticateAsync("alice", secret + "x", default));

        await using var registry = new SessionRegistry("tokens", fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1))
        {
            CredentialsRevokedSince = async (since, ct) => [.. await fixture.Store.ApiTokens.ListRevokedSinceAsync(since, ct)],
        };
        var session = await registry.StartAsync(user, "demo", null, null, default);
        var gate = new StatementGate(() => fixture.Policy, fixture.Clock);
        Assert.Equal(RuleEffect.Allow, gate.Decide(session, "SELECT 1").Effect);
        var write = gate.Decide(session, "DELETE FROM orders WHERE id = 1");
        Assert.Equal(RuleEffect.Deny, write.Effect);
        Assert.Equal(StatementGate.TokenScopeRule, write.RuleId);

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var expired = await Assert.ThrowsAsync<RefusedException>(() => tokens.AuthenticateAsync("alice", secret, default).AsTask());
        Assert.Equal(IdentityErrors.TokenExpired, expired.ErrorId);
        Assert.Contains(record.Id, expired.Message, StringComparison.Ordinal);
        await registry.CheckOnceAsync(default);
        Assert.Equal(SessionEndCode.Killed, session.EndReason?.Code);
        Assert.Contains(record.Id, session.EndReason!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "demo", "read", 1, "needs a name")]
    [InlineData("ci", null, "read", 1, "at least one resource")]
    [InlineData("ci", "demo", "delete", 1, "not a statement kind")]
    [InlineData("ci", "demo", "read", 91 * 24, "at most 90 days")]
    public async Task Bad_tokens_are_refused_with_the_reason(string name, string? resource, string kind, int hours, string expected)
    {
        var tokens = new ApiTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var ex = await Assert.ThrowsAsync<RefusedException>(() => tokens.CreateAsync(Alice, name, resource is null ? [] : [resource], [kind], TimeSpan.FromHours(hours), default).AsTask());
        Assert.Equal(IdentityErrors.InvalidToken, ex.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_cannot_make_tokens()
    {
        var tokens = new ApiTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var (_, secret) = await tokens.CreateAsync(Alice, "ci", ["demo"], [], TimeSpan.FromDays(1), default);
        var viaToken = await tokens.AuthenticateAsync("alice", secret, default);
        var ex = await Assert.ThrowsAsync<RefusedException>(() => tokens.CreateAsync(viaToken!, "more", ["demo"], [], TimeSpan.FromDays(1), default).AsTask());
        Assert.Contains("cannot make tokens", ex.Message, StringComparison.Ordinal);
    }
}
