using System.Collections.Concurrent;
using Airlock.Audit;
using Airlock.Masking;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline.Tests.Approvals;

/// <summary>
/// <c>approvers: { …, mfa: 15m }</c> in the sample policy (prod-writes-need-review and the prod-write grant):
/// bob's vote, yes or no, counts only if he proved MFA within the last 15 minutes. When he last did is
/// whatever <see cref="ActionApprovals.LastMfa"/> says (here a table the tests fill in); the clock is moved by hand.
/// </summary>
public sealed class ApproverMfaTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);
    private static readonly GatewayUser Dave = new("dave", [], Mfa: false);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastMfa = new(StringComparer.Ordinal);

    private ActionApprovals Approvals => new(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
    {
        LastMfa = (user, _) => ValueTask.FromResult<DateTimeOffset?>(_lastMfa.TryGetValue(user.Name, out var at) ? at : null),
    };

    [Fact]
    public async Task An_approval_without_mfa_on_record_is_refused_told_how_to_step_up_and_audited()
    {
        var id = await HeldDeleteAsync(201);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(id, Bob, "ok", default).AsTask());

        Assert.Equal(IdentityErrors.MfaNotFresh, refused.ErrorId);
        Assert.StartsWith("AL1014: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains("within the last 15m", refused.Message, StringComparison.Ordinal);
        Assert.Contains("bob has no MFA on record", refused.Message, StringComparison.Ordinal);
        Assert.Contains("airlock mfa --code 123456", refused.Message, StringComparison.Ordinal);
        Assert.Equal(ActionApprovals.Pending, (await fixture.Store.Approvals.GetAsync(id))!.State);
        Assert.Empty(await fixture.Store.Approvals.ListVotesAsync(id));
        var audited = Assert.Single(await EventsAsync(AuditEventKinds.ApprovalRefused, id));
        Assert.Equal("bob", audited.User);
        Assert.Equal("MFA not fresh (needed within 15m)", audited.Error);
    }

    [Fact]
    public async Task Mfa_older_than_the_rule_asks_is_refused_and_fresh_mfa_is_accepted()
    {
        var id = await HeldDeleteAsync(202);
        _lastMfa["bob"] = fixture.Clock.GetUtcNow();

        fixture.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        var stale = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(id, Bob, null, default).AsTask());
        Assert.Equal(IdentityErrors.MfaNotFresh, stale.ErrorId);
        Assert.Contains("bob's last MFA was 15m1s ago", stale.Message, StringComparison.Ordinal);

        // bob steps up again: his vote counts, and the approval's window starts now.
        _lastMfa["bob"] = fixture.Clock.GetUtcNow() - TimeSpan.FromMinutes(14);
        var approved = await Approvals.ApproveAsync(id, Bob, "ok", default);
        Assert.Equal(ActionApprovals.Approved, approved.State);
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(15), approved.ExpiresAt);
        Assert.Single(await EventsAsync(AuditEventKinds.ApprovalRefused, id));
    }

    [Fact]
    public async Task A_denial_needs_fresh_mfa_too()
    {
        var id = await HeldDeleteAsync(203);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => Approvals.DenyAsync(id, Bob, "not now", default).AsTask());
        Assert.Equal(IdentityErrors.MfaNotFresh, refused.ErrorId);
        Assert.Equal(ActionApprovals.Pending, (await fixture.Store.Approvals.GetAsync(id))!.State);
        Assert.Single(await EventsAsync(AuditEventKinds.ApprovalRefused, id));

        _lastMfa["bob"] = fixture.Clock.GetUtcNow();
        Assert.Equal(ActionApprovals.Denied, (await Approvals.DenyAsync(id, Bob, "not now", default)).State);
    }

    [Fact]
    public async Task Without_a_last_mfa_hook_every_vote_that_needs_mfa_is_refused()
    {
        var id = await HeldDeleteAsync(204);
        _lastMfa["bob"] = fixture.Clock.GetUtcNow();
        var unwired = new ActionApprovals(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => unwired.ApproveAsync(id, Bob, null, default).AsTask());

        Assert.Equal(IdentityErrors.MfaNotFresh, refused.ErrorId);
        Assert.Contains("no MFA on record", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_requests_and_break_glass_reviews_ask_for_the_grants_approver_mfa()
    {
        var request = await Approvals.RequestAccessAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-201", default);
        var refused = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(request.Id, Bob, null, default).AsTask());
        Assert.Equal(IdentityErrors.MfaNotFresh, refused.ErrorId);
        Assert.Contains("grant prod-write wants", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.Store.Grants.ListActiveAsync(fixture.Clock.GetUtcNow(), "alice"));

        // The break-glass review, mandatory as it is, is decided with fresh MFA as well.
        var (_, review) = await Approvals.BreakGlassAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-202", default);
        var deny = await Assert.ThrowsAsync<RefusedException>(() => Approvals.DenyAsync(review.Id, Bob, "not an incident", default).AsTask());
        Assert.Equal(IdentityErrors.MfaNotFresh, deny.ErrorId);
        Assert.Single(await EventsAsync(AuditEventKinds.ApprovalRefused, review.Id));

        _lastMfa["bob"] = fixture.Clock.GetUtcNow();
        Assert.Equal(ActionApprovals.Approved, (await Approvals.ApproveAsync(request.Id, Bob, null, default)).State);
        Assert.Equal(ActionApprovals.Approved, (await Approvals.ApproveAsync(review.Id, Bob, "justified", default)).State);
    }

    [Fact]
    public async Task A_rule_without_approvers_mfa_needs_none_and_never_asks()
    {
        // staging-support-order-fixes (no mfa in its approvers): dave's fix outside the support shift waits for bob.
        fixture.Clock.Advance(TimeSpan.FromHours(10)); // 21:00 in Berlin
        try
        {
            var asked = 0;
            var approvals = new ActionApprovals(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
            {
                LastMfa = (_, _) =>
                {
                    Interlocked.Increment(ref asked);
                    return ValueTask.FromResult<DateTimeOffset?>(null);
                },
            };
            var session = new GatewaySession("s-" + Guid.NewGuid().ToString("N"), Dave, "orders-staging", null, null, fixture.Clock.GetUtcNow(), fixture.Clock);
            const string sql = "UPDATE orders SET status = 'refunded' WHERE id = 207";
            var verdict = new StatementGate(() => fixture.Policy, fixture.Clock).Decide(session, sql);
            Assert.Equal("staging-support-order-fixes", verdict.RuleId);
            Assert.Null(verdict.Approval!.MfaWithin);
            var held = await approvals.ReviewAsync(session, verdict, sql, [], default);
            Assert.False(held.Run);

            Assert.Equal(ActionApprovals.Approved, (await approvals.ApproveAsync(held.RequestId, Bob, null, default)).State);
            Assert.Equal(0, asked);
        }
        finally
        {
            fixture.Clock.Advance(TimeSpan.FromHours(13)); // Tuesday 10:00 UTC
        }
    }

    /// <summary>alice's DELETE on demo, held by prod-writes-need-review (approvers' MFA within 15m); returns the request id.</summary>
    private async Task<string> HeldDeleteAsync(int orderId)
    {
        var sql = $"DELETE FROM orders WHERE id = {orderId}";
        var session = new GatewaySession("s-" + Guid.NewGuid().ToString("N"), Alice, "demo", null, null, fixture.Clock.GetUtcNow());
        var verdict = new StatementGate(() => fixture.Policy, fixture.Clock).Decide(session, sql);
        Assert.Equal(RuleEffect.Review, verdict.Effect);
        Assert.Equal("prod-writes-need-review", verdict.RuleId);
        Assert.Equal(TimeSpan.FromMinutes(15), verdict.Approval!.MfaWithin);
        var held = await Approvals.ReviewAsync(session, verdict, sql, [], default);
        Assert.False(held.Run);
        return held.RequestId;
    }

    private async Task<List<AuditEvent>> EventsAsync(string kind, string approvalId)
    {
        var events = new List<AuditEvent>();
        await foreach (var row in fixture.Store.Audit.ReadAsync(AuditQuery.All))
        {
            var e = AuditEventJson.Deserialize(row.Body).Event;
            if (row.Kind == kind && e.Detail?.GetValueOrDefault("approval_id") == approvalId)
            {
                events.Add(e);
            }
        }

        return events;
    }
}
