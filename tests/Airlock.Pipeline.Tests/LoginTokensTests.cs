using Airlock.Audit;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline.Tests;

/// <summary>
/// Airlock session tokens (what airlock login gets for an IdP token) with the clock moved by hand: what the IdP
/// said is kept, the token is refused with its reason once revoked or expired, and the sessions it opened end.
/// Also: sessions logged in with an IdP token end at its exp, and TOTP step-ups count across gateways.
/// </summary>
public sealed class LoginTokensTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly LoginIdentity Dave = new("dave", ["sre-leads"], MfaAt: null, "https://idp.example.com", "u-1001");

    [Fact]
    public async Task A_session_token_carries_the_idps_groups_and_mfa_and_logs_in_only_as_its_user()
    {
        var logins = new LoginTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var mfaAt = fixture.Clock.GetUtcNow().AddMinutes(-2);
        var (record, secret) = await logins.IssueAsync(Dave with { MfaAt = mfaAt }, TimeSpan.FromHours(8), default);

        Assert.StartsWith(LoginTokens.Prefix, secret, StringComparison.Ordinal);
        Assert.Equal(ApiTokenHash.Of(secret), record.Hash);
        var user = await logins.AuthenticateAsync("dave", secret, default);
        Assert.NotNull(user);
        Assert.Equal(["sre-leads"], user.IdpGroups);
        Assert.True(user.Mfa);
        Assert.Equal((mfaAt, record.ExpiresAt, record.Id), (user.MfaAt!.Value, user.ValidUntil!.Value, user.LoginTokenId!));
        Assert.Equal(fixture.Clock.GetUtcNow().AddHours(8), record.ExpiresAt);

        Assert.Null(await logins.AuthenticateAsync("bob", secret, default));
        Assert.Null(await logins.AuthenticateAsync("dave", secret + "x", default));
        Assert.Null(await logins.AuthenticateAsync("dave", "alk_" + secret[4..], default));

        var withoutMfa = await logins.AuthenticateAsync("dave", (await logins.IssueAsync(Dave, TimeSpan.FromHours(1), default)).Secret, default);
        Assert.False(withoutMfa!.Mfa);
        Assert.Null(withoutMfa.MfaAt);
    }

    [Fact]
    public async Task An_expired_session_token_is_refused_with_its_reason_and_its_sessions_end_by_the_clock()
    {
        var logins = new LoginTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var (record, secret) = await logins.IssueAsync(Dave, TimeSpan.FromHours(1), default);
        var user = await logins.AuthenticateAsync("dave", secret, default);
        await using var registry = new SessionRegistry("logins", fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
        var session = await registry.StartAsync(user!, "demo", null, null, default);

        // Busy all along (not idle), so only the token's expiry can end it.
        fixture.Clock.Advance(TimeSpan.FromMinutes(59));
        session.Touch(fixture.Clock.GetUtcNow());
        await registry.CheckOnceAsync(default);
        Assert.Null(session.EndReason);

        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        session.Touch(fixture.Clock.GetUtcNow());
        await registry.CheckOnceAsync(default);
        Assert.Equal(SessionEndCode.Killed, session.EndReason?.Code);
        Assert.Contains($"Airlock login {record.Id} expired", session.EndReason!.Message, StringComparison.Ordinal);

        var ex = await Assert.ThrowsAsync<RefusedException>(() => logins.AuthenticateAsync("dave", secret, default).AsTask());
        Assert.Equal(IdentityErrors.TokenExpired, ex.ErrorId);
        Assert.Contains("airlock login", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logout_revokes_the_token_once_ends_its_sessions_and_is_audited()
    {
        await using var registry = new SessionRegistry("logins", fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
        var logins = new LoginTokens(fixture.Store, fixture.Audit, fixture.Clock) { Revoked = registry.EndCredentialSessionsAsync };
        var (record, secret) = await logins.IssueAsync(Dave, TimeSpan.FromHours(8), default);
        var dave = (await logins.AuthenticateAsync("dave", secret, default))!;
        var session = await registry.StartAsync(dave, "demo", null, null, default);
        var other = await registry.StartAsync(new GatewayUser("dave", [], Mfa: false), "demo", null, null, default);

        // Only its holder revokes it.
        var notYours = await Assert.ThrowsAsync<RefusedException>(() => logins.RevokeAsync(new GatewayUser("bob", [], Mfa: false), record.Id, default).AsTask());
        Assert.Equal(ApprovalErrors.NotFound, notYours.ErrorId);

        var revoked = await logins.RevokeAsync(dave, record.Id, default);
        Assert.NotNull(revoked.RevokedAt);
        Assert.Contains($"Airlock login {record.Id}", session.EndReason?.Message, StringComparison.Ordinal);
        Assert.Null(other.EndReason);
        var again = await Assert.ThrowsAsync<RefusedException>(() => logins.RevokeAsync(dave, record.Id, default).AsTask());
        Assert.Equal(ApprovalErrors.NotPending, again.ErrorId);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => logins.AuthenticateAsync("dave", secret, default).AsTask());
        Assert.Equal(IdentityErrors.TokenRevoked, refused.ErrorId);

        await fixture.Audit.CheckpointAsync();
        var kinds = new List<(string Kind, string? Id)>();
        await foreach (var row in fixture.Store.Audit.ReadAsync(AuditQuery.All))
        {
            Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(row.Body), StringComparison.Ordinal);
            var e = AuditEventJson.Deserialize(row.Body).Event;
            if (e.Detail?.TryGetValue("login_token_id", out var id) == true && id == record.Id)
            {
                kinds.Add((e.Kind, id));
            }
        }

        Assert.Equal([AuditEventKinds.Login, AuditEventKinds.Logout], kinds.Select(k => k.Kind));
    }

    [Fact]
    public async Task A_revocation_on_another_gateway_ends_the_session_within_a_check()
    {
        var here = new LoginTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var elsewhere = new LoginTokens(fixture.Store, fixture.Audit, fixture.Clock);
        var (record, secret) = await here.IssueAsync(Dave, TimeSpan.FromHours(8), default);
        var dave = (await here.AuthenticateAsync("dave", secret, default))!;
        await using var registry = new SessionRegistry("logins", fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1))
        {
            CredentialsRevokedSince = async (since, ct) => [.. await fixture.Store.LoginTokens.ListRevokedSinceAsync(since, ct)],
        };
        var session = await registry.StartAsync(dave, "demo", null, null, default);

        await elsewhere.RevokeAsync(dave, record.Id, default);
        Assert.Null(session.EndReason);
        await registry.CheckOnceAsync(default);
        Assert.Contains($"the revocation of Airlock login {record.Id}", session.EndReason?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_logged_in_with_an_idp_token_ends_when_the_token_expires()
    {
        await using var registry = new SessionRegistry("idp", fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
        var user = new GatewayUser("dave", ["sre-leads"], Mfa: true) { ValidUntil = fixture.Clock.GetUtcNow().AddMinutes(5) };
        var session = await registry.StartAsync(user, "demo", null, null, default);

        await registry.CheckOnceAsync(default);
        Assert.Null(session.EndReason);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await registry.CheckOnceAsync(default);
        Assert.Contains("the identity provider's token it logged in with expired", session.EndReason?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_step_up_on_one_gateway_counts_on_another_and_its_code_is_refused_there()
    {
        var secret = "12345678901234567890"u8.ToArray();
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["bob"] = secret };
        var a = new MfaStepUp(secrets, fixture.Store, fixture.Audit, fixture.Clock);
        var b = new MfaStepUp(secrets, fixture.Store, fixture.Audit, fixture.Clock);
        var bob = new GatewayUser("bob", [], Mfa: false);
        fixture.Clock.Advance(TimeSpan.FromMinutes(30)); // a fresh time step for this test
        var code = Totp.Compute(secret, Totp.StepAt(fixture.Clock.GetUtcNow()));

        var at = await a.VerifyAsync(bob, code, default);
        Assert.Equal(at, a.FreshSince("bob"));
        Assert.Null(b.FreshSince("bob"));
        Assert.Equal(at, await b.LastStepUpAsync("bob", default));

        var replay = await Assert.ThrowsAsync<RefusedException>(() => b.VerifyAsync(bob, code, default).AsTask());
        Assert.Equal(IdentityErrors.MfaFailed, replay.ErrorId);
        Assert.Contains("used already", replay.Message, StringComparison.Ordinal);

        await b.RefreshAsync(default);
        Assert.Equal(at, b.FreshSince("bob"));
        fixture.Clock.Advance(MfaStepUp.Freshness);
        Assert.Null(b.FreshSince("bob"));

        // Past the sessions' 15 minutes the step-up still tells a decision with a longer window (mfa: 1h) when it was;
        // past the longest window policy may set, it is gone.
        Assert.Equal(at, await a.LastStepUpAsync("bob", default));
        fixture.Clock.Advance(ApprovalRequirement.MaxMfaWithin);
        Assert.Null(await a.LastStepUpAsync("bob", default));
    }
}
