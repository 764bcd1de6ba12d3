using Airlock.Masking;
using Airlock.Policy.Model;

namespace Airlock.Pipeline.Tests.Approvals;

/// <summary>
/// Just-in-time elevation with the sample policy: alice asks for prod-write on demo (at most 2h, an INC
/// ticket, approved by the approvers group), bob approves, and her session's decisions change while the
/// grant is in force, and change back when it expires (the clock is moved, nothing sleeps) or is revoked.
/// </summary>
public sealed class AccessRequestsTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private const string Delete = "DELETE FROM orders WHERE id = 1";
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);
    private static readonly GatewayUser Carol = new("carol", [], Mfa: false);

    [Theory]
    [InlineData("root", "1h", "INC-1", "defines no grant 'root'")]
    [InlineData("prod-write", "3h", "INC-1", "lasts at most 02:00:00")]
    [InlineData("prod-write", "1h", null, "needs a reason matching ^INC-[0-9]+$")]
    [InlineData("prod-write", "1h", "because", "'because' does not")]
    public async Task A_request_policy_cannot_grant_is_refused_at_once(string grant, string duration, string? reason, string expected)
    {
        var approvals = NewApprovals(out _);
        var ex = await Assert.ThrowsAsync<RefusedException>(() => approvals.RequestAccessAsync(Alice, "demo", grant, TimeSpan.Parse(duration.Replace("h", ":00:00", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture), reason, default).AsTask());
        Assert.Equal(ApprovalErrors.InvalidAccessRequest, ex.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approved_grant_changes_decisions_until_it_expires_on_time()
    {
        var approvals = NewApprovals(out var registry);
        await using (registry)
        {
            var session = await registry.StartAsync(Alice, "demo", null, null, default);
            var gate = new StatementGate(() => fixture.Policy, fixture.Clock);
            Assert.Equal(RuleEffect.Review, gate.Decide(session, Delete).Effect);

            var request = await approvals.RequestAccessAsync(Alice, "demo", "prod-write", TimeSpan.FromHours(1), "INC-1234", default);
            Assert.Equal(ActionApprovals.Pending, request.State);
            var own = await Assert.ThrowsAsync<RefusedException>(() => approvals.ApproveAsync(request.Id, Alice, null, default).AsTask());
            Assert.Equal(ApprovalErrors.SelfApproval, own.ErrorId);
            await Assert.ThrowsAsync<RefusedException>(() => approvals.ApproveAsync(request.Id, Carol, null, default).AsTask());

            var approved = await approvals.ApproveAsync(request.Id, Bob, "for INC-1234", default);
            Assert.Equal(ActionApprovals.Approved, approved.State);

            // The open session sees the grant at once (GrantsChanged refreshed it), with its ticket as the reason.
            var grant = Assert.Single(session.ActiveGrants());
            Assert.Equal("prod-write", grant.Grant);
            Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromHours(1), grant.Until);
            var allowed = gate.Decide(session, Delete);
            Assert.Equal(RuleEffect.Allow, allowed.Effect);
            Assert.Equal("prod-writes-with-grant", allowed.RuleId);

            fixture.Clock.Advance(TimeSpan.FromMinutes(59));
            Assert.Equal(RuleEffect.Allow, gate.Decide(session, Delete).Effect);
            fixture.Clock.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(RuleEffect.Review, gate.Decide(session, Delete).Effect);
            Assert.Empty(session.ActiveGrants());
            Assert.Null(session.EndReason);
        }
    }

    [Fact]
    public async Task Revoking_a_grant_ends_the_sessions_that_hold_it()
    {
        var approvals = NewApprovals(out var registry);
        await using (registry)
        {
            var request = await approvals.RequestAccessAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-77", default);
            await approvals.ApproveAsync(request.Id, Bob, null, default);
            var session = await registry.StartAsync(Alice, "demo", null, null, default);
            var grant = Assert.Single(session.ActiveGrants());

            var stranger = await Assert.ThrowsAsync<RefusedException>(() => approvals.RevokeGrantAsync(grant.Id, Carol, default).AsTask());
            Assert.Equal(ApprovalErrors.NotAnApprover, stranger.ErrorId);
            Assert.Null(session.EndReason);

            var revoked = await approvals.RevokeGrantAsync(grant.Id, Bob, default);
            Assert.Equal("bob", revoked.RevokedBy);
            Assert.Equal(SessionEndCode.Killed, session.EndReason?.Code);
            Assert.Contains(grant.Id, session.EndReason!.Message, StringComparison.Ordinal);
            Assert.Empty(await fixture.Store.Grants.ListActiveAsync(fixture.Clock.GetUtcNow(), "alice"));

            var again = await Assert.ThrowsAsync<RefusedException>(() => approvals.RevokeGrantAsync(grant.Id, Bob, default).AsTask());
            Assert.Equal(ApprovalErrors.NotPending, again.ErrorId);
        }
    }

    [Fact]
    public async Task Break_glass_gives_the_grant_at_once_raises_the_alert_and_opens_a_review()
    {
        var alerts = new RecordingNotifier();
        var approvals = NewApprovals(out var registry, alerts);
        await using (registry)
        {
            // bob approves prod-write but is not on call: he cannot break glass, and nobody without a reason can.
            var notOnCall = await Assert.ThrowsAsync<RefusedException>(() => approvals.BreakGlassAsync(Bob, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-9", default).AsTask());
            Assert.Equal(ApprovalErrors.NotAnApprover, notOnCall.ErrorId);
            Assert.Contains("oncall", notOnCall.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<RefusedException>(() => approvals.BreakGlassAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), null, default).AsTask());

            var session = await registry.StartAsync(Alice, "demo", null, null, default);
            var (grant, review) = await approvals.BreakGlassAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-9", default);
            Assert.Equal("prod-write", Assert.Single(session.ActiveGrants()).Grant);
            Assert.Equal(RuleEffect.Allow, new StatementGate(() => fixture.Policy, fixture.Clock).Decide(session, Delete).Effect);
            Assert.Equal(ActionApprovals.BreakGlassKind, review.Kind);
            Assert.Equal(ActionApprovals.Pending, review.State);
            Assert.Equal(review.Id, grant.ApprovalId);
            Assert.Contains(alerts.Received, n => n.Event == ApprovalEvents.BreakGlass && n.Request.Id == review.Id && n.Actor == "alice");

            // The review after the fact: alice cannot clear her own; bob finds it unjustified, and the grant ends.
            await Assert.ThrowsAsync<RefusedException>(() => approvals.ApproveAsync(review.Id, Alice, null, default).AsTask());
            await approvals.DenyAsync(review.Id, Bob, "not an incident", default);
            Assert.Empty(session.ActiveGrants());
            Assert.Equal(SessionEndCode.Killed, session.EndReason?.Code);
        }
    }

    [Fact]
    public async Task An_approved_break_glass_review_closes_it_and_keeps_the_grant()
    {
        var approvals = NewApprovals(out var registry);
        await using (registry)
        {
            var (grant, review) = await approvals.BreakGlassAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-10", default);
            var closed = await approvals.ApproveAsync(review.Id, Bob, "justified", default);
            Assert.Equal(ActionApprovals.Approved, closed.State);
            Assert.Contains(await fixture.Store.Grants.ListActiveAsync(fixture.Clock.GetUtcNow(), "alice"), g => g.Id == grant.Id);
        }
    }

    private sealed class RecordingNotifier : IApprovalNotifier
    {
        private readonly List<ApprovalNotification> _received = [];

        public IReadOnlyList<ApprovalNotification> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public void Notify(ApprovalNotification notification)
        {
            lock (_received)
            {
                _received.Add(notification);
            }
        }
    }

    private ActionApprovals NewApprovals(out SessionRegistry registry, IApprovalNotifier? notifier = null)
    {
        // The class shares one store and clock: grants of earlier tests (2 h at most) are over by now.
        fixture.Clock.Advance(TimeSpan.FromHours(3));
        var sessions = registry = new SessionRegistry("access-" + Guid.NewGuid().ToString("N")[..8], fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
        return new ActionApprovals(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
        {
            Notifier = notifier,
            GrantsChanged = (user, cancellationToken) => sessions.RefreshGrantsAsync(user, cancellationToken),

            // prod-write asks for approvers' MFA within 15m: here everyone has just proved it (ApproverMfaTests has the rest).
            LastMfa = (_, _) => ValueTask.FromResult<DateTimeOffset?>(fixture.Clock.GetUtcNow()),
        };
    }
}
