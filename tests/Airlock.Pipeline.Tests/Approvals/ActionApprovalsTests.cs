using Airlock.Audit;
using Airlock.Masking;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline.Tests.Approvals;

/// <summary>
/// The action-approval rules against the sample policy (alice is an engineer, bob an approver, carol an
/// engineer, dave in support) and a real SQLite store, with the clock moved by hand.
/// </summary>
public sealed class ActionApprovalsTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);
    private static readonly GatewayUser Carol = new("carol", [], Mfa: false);

    // prod-writes-need-review asks for approvers' MFA within 15m: here everyone has just proved it (ApproverMfaTests has the rest).
    private ActionApprovals Approvals => new(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
    {
        LastMfa = (_, _) => ValueTask.FromResult<DateTimeOffset?>(fixture.Clock.GetUtcNow()),
    };

    [Fact]
    public async Task A_held_action_runs_once_after_an_approval_and_is_held_again_after()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 101");
        var first = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 101", [], default);
        Assert.False(first.Run);
        Assert.StartsWith("apr_", first.RequestId, StringComparison.Ordinal);

        // Asking again before anyone decided gives the same request, not a second one.
        var again = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 101", [], default);
        Assert.Equal(first.RequestId, again.RequestId);
        Assert.False(again.Run);

        var approved = await Approvals.ApproveAsync(first.RequestId, Bob, "looks right", default);
        Assert.Equal(ActionApprovals.Approved, approved.State);
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(15), approved.ExpiresAt);

        var run = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 101", [], default);
        Assert.True(run.Run);
        Assert.Equal(first.RequestId, run.RequestId);
        Assert.Equal(ActionApprovals.Used, (await fixture.Store.Approvals.GetAsync(first.RequestId))!.State);

        var third = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 101", [], default);
        Assert.False(third.Run);
        Assert.NotEqual(first.RequestId, third.RequestId);
    }

    [Fact]
    public async Task Any_change_to_the_action_is_a_different_action()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = $1");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = $1", [P("102")], default);
        await Approvals.ApproveAsync(held.RequestId, Bob, null, default);

        // Another parameter value, a NULL, another spelling, another user: none of them uses the approval.
        Assert.False((await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = $1", [P("103")], default)).Run);
        Assert.False((await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = $1", [null], default)).Run);
        Assert.False((await Approvals.ReviewAsync(session, verdict, "delete from orders where id = $1", [P("102")], default)).Run);
        var (carols, carolsVerdict) = Held("DELETE FROM orders WHERE id = $1", Carol);
        Assert.False((await Approvals.ReviewAsync(carols, carolsVerdict, "DELETE FROM orders WHERE id = $1", [P("102")], default)).Run);

        // The exact action still can, once.
        Assert.True((await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = $1", [P("102")], default)).Run);
    }

    [Fact]
    public void The_digest_keeps_fields_apart()
    {
        Assert.NotEqual(ActionApprovals.DigestOf("alice", "demo", "ab", []), ActionApprovals.DigestOf("alice", "demoa", "b", []));
        Assert.NotEqual(ActionApprovals.DigestOf("alice", "demo", "x", [null]), ActionApprovals.DigestOf("alice", "demo", "x", [[]]));
        Assert.NotEqual(ActionApprovals.DigestOf("alice", "demo", "x", [P("1"), P("2")]), ActionApprovals.DigestOf("alice", "demo", "x", [P("12")]));
        Assert.Equal(ActionApprovals.DigestOf("alice", "demo", "x", [P("1")]), ActionApprovals.DigestOf("alice", "demo", "x", [P("1")]));
    }

    [Fact]
    public async Task Nobody_approves_their_own_request_and_only_approvers_vote()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 104");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 104", [], default);

        var own = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(held.RequestId, Alice, null, default).AsTask());
        Assert.Equal(ApprovalErrors.SelfApproval, own.ErrorId);
        var engineer = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(held.RequestId, Carol, null, default).AsTask());
        Assert.Equal(ApprovalErrors.NotAnApprover, engineer.ErrorId);
        Assert.Contains("approvers", engineer.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync("apr_nope", Bob, null, default).AsTask());
        Assert.Equal(ApprovalErrors.NotFound, missing.ErrorId);

        // Still pending: the refused votes changed nothing, and they are on the record.
        Assert.Equal(ActionApprovals.Pending, (await fixture.Store.Approvals.GetAsync(held.RequestId))!.State);
        Assert.False((await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 104", [], default)).Run);
        Assert.Equal(2, await CountAsync(AuditEventKinds.ApprovalRefused, held.RequestId));
    }

    [Fact]
    public async Task A_denial_needs_a_reason_and_ends_the_request()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 105");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 105", [], default);

        var noReason = await Assert.ThrowsAsync<RefusedException>(() => Approvals.DenyAsync(held.RequestId, Bob, " ", default).AsTask());
        Assert.Equal(ApprovalErrors.ReasonRequired, noReason.ErrorId);
        var denied = await Approvals.DenyAsync(held.RequestId, Bob, "use the migration instead", default);
        Assert.Equal(ActionApprovals.Denied, denied.State);

        var late = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(held.RequestId, Bob, null, default).AsTask());
        Assert.Equal(ApprovalErrors.NotPending, late.ErrorId);
        var next = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 105", [], default);
        Assert.False(next.Run);
        Assert.NotEqual(held.RequestId, next.RequestId);
    }

    [Fact]
    public async Task A_request_left_pending_past_its_expiry_cannot_be_approved_or_used()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 106");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 106", [], default);

        fixture.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(held.RequestId, Bob, null, default).AsTask());
        Assert.Equal(ApprovalErrors.NotPending, expired.ErrorId);
        Assert.Contains("expired", expired.Message, StringComparison.Ordinal);
        Assert.Equal(ActionApprovals.Expired, (await fixture.Store.Approvals.GetAsync(held.RequestId))!.State);
        Assert.Equal(1, await CountAsync(AuditEventKinds.ApprovalExpired, held.RequestId));

        var next = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 106", [], default);
        Assert.False(next.Run);
        Assert.NotEqual(held.RequestId, next.RequestId);
    }

    [Fact]
    public async Task The_sweep_expires_requests_on_time_and_says_so_once()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 109");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 109", [], default);
        var expiredEvents = new List<ApprovalNotification>();
        var sweeper = new ActionApprovals(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
        {
            Notifier = new CollectingNotifier(expiredEvents),
        };

        await sweeper.SweepExpiredAsync(default);
        Assert.Equal(ActionApprovals.Pending, (await fixture.Store.Approvals.GetAsync(held.RequestId))!.State);

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await sweeper.SweepExpiredAsync(default) >= 1);
        Assert.Equal(ActionApprovals.Expired, (await fixture.Store.Approvals.GetAsync(held.RequestId))!.State);
        Assert.Contains(expiredEvents, n => n.Event == ApprovalEvents.Expired && n.Request.Id == held.RequestId);

        // A second sweep (another gateway's, say) finds nothing more to say about it.
        await sweeper.SweepExpiredAsync(default);
        Assert.Equal(1, await CountAsync(AuditEventKinds.ApprovalExpired, held.RequestId));
        Assert.Single(expiredEvents, n => n.Request.Id == held.RequestId);
    }

    [Fact]
    public async Task What_people_wrote_is_masked_before_a_notifier_hears_it_and_kept_whole_in_the_store()
    {
        const string card = "4111 1111 1111 1111";
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 110");
        var told = new List<ApprovalNotification>();
        var approvals = new ActionApprovals(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
        {
            LastMfa = (_, _) => ValueTask.FromResult<DateTimeOffset?>(fixture.Clock.GetUtcNow()),
            Notifier = new CollectingNotifier(told),
        };
        var held = await approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 110", [], default);

        await approvals.DenyAsync(held.RequestId, Bob, $"the customer's card {card} was charged twice; refund it instead", default);

        var denied = Assert.Single(told, n => n.Event == ApprovalEvents.Denied && n.Request.Id == held.RequestId);
        Assert.DoesNotContain(card, denied.Request.Comment, StringComparison.Ordinal);
        Assert.Contains("1111", denied.Request.Comment, StringComparison.Ordinal); // partial: the last digits stay
        Assert.Contains("refund it instead", denied.Request.Comment, StringComparison.Ordinal);
        Assert.Contains(card, (await fixture.Store.Approvals.GetAsync(held.RequestId))!.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approver_by_idp_group_alone_approves_and_their_vote_counts()
    {
        // dave is in support by policy; the IdP puts him in sre-leads, which people.yaml maps to approvers.
        var dave = new GatewayUser("dave", ["sre-leads"], Mfa: true);
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 111");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 111", [], default);

        var approved = await Approvals.ApproveAsync(held.RequestId, dave, "checked", default);

        Assert.Equal(ActionApprovals.Approved, approved.State);
        Assert.Equal(["sre-leads"], (await fixture.Store.Approvals.ListVotesAsync(held.RequestId)).Single().IdpGroups);

        // Without the IdP group he is nobody's approver.
        var (other, otherVerdict) = Held("DELETE FROM orders WHERE id = 112");
        var second = await Approvals.ReviewAsync(other, otherVerdict, "DELETE FROM orders WHERE id = 112", [], default);
        var refused = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(second.RequestId, new GatewayUser("dave", [], Mfa: true), null, default).AsTask());
        Assert.Equal(ApprovalErrors.NotAnApprover, refused.ErrorId);
    }

    private sealed class CollectingNotifier(List<ApprovalNotification> into) : IApprovalNotifier
    {
        public void Notify(ApprovalNotification notification)
        {
            lock (into)
            {
                into.Add(notification);
            }
        }
    }

    [Fact]
    public async Task An_approval_not_used_within_its_window_expires()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 107");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 107", [], default);
        await Approvals.ApproveAsync(held.RequestId, Bob, null, default);

        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        var late = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 107", [], default);
        Assert.False(late.Run);
        Assert.NotEqual(held.RequestId, late.RequestId);
        Assert.Equal(ActionApprovals.Expired, (await fixture.Store.Approvals.GetAsync(held.RequestId))!.State);
    }

    [Fact]
    public async Task A_second_vote_by_the_same_approver_is_refused()
    {
        var (session, verdict) = Held("DELETE FROM orders WHERE id = 108");
        var held = await Approvals.ReviewAsync(session, verdict, "DELETE FROM orders WHERE id = 108", [], default);
        await Approvals.ApproveAsync(held.RequestId, Bob, null, default);
        var twice = await Assert.ThrowsAsync<RefusedException>(() => Approvals.ApproveAsync(held.RequestId, Bob, null, default).AsTask());
        Assert.Equal(ApprovalErrors.NotPending, twice.ErrorId);
    }

    private (GatewaySession Session, StatementVerdict Verdict) Held(string sql, GatewayUser? user = null)
    {
        var session = new GatewaySession("s-" + Guid.NewGuid().ToString("N"), user ?? Alice, "demo", null, null, fixture.Clock.GetUtcNow());
        var verdict = new StatementGate(() => fixture.Policy, fixture.Clock).Decide(session, sql);
        Assert.Equal(RuleEffect.Review, verdict.Effect);
        Assert.Equal("prod-writes-need-review", verdict.RuleId);
        return (session, verdict);
    }

    private async Task<int> CountAsync(string kind, string approvalId)
    {
        var count = 0;
        await foreach (var row in fixture.Store.Audit.ReadAsync(AuditQuery.All))
        {
            if (row.Kind == kind && AuditEventJson.Deserialize(row.Body).Event.Detail?.GetValueOrDefault("approval_id") == approvalId)
            {
                count++;
            }
        }

        return count;
    }

    private static byte[] P(string value) => System.Text.Encoding.UTF8.GetBytes(value);
}
