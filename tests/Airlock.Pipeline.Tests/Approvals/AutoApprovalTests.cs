using Airlock.Audit;
using Airlock.Masking;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline.Tests.Approvals;

/// <summary>
/// The sample rule staging-support-order-fixes: dave's (support) order fixes on staging wait for an
/// approver, except in the support shift (Mon–Fri 08:00–18:00 Berlin), when policy approves by itself.
/// The fixture's clock starts on Monday 2026-11-23 at 10:00 UTC (11:00 in Berlin).
/// </summary>
public sealed class AutoApprovalTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GatewayUser Dave = new("dave", [], Mfa: false);

    [Fact]
    public async Task In_the_shift_policy_approves_at_once_and_the_trail_says_so()
    {
        var (session, verdict) = Held("UPDATE orders SET status = 'refunded' WHERE id = 5");
        var outcome = await Approvals.ReviewAsync(session, verdict, "UPDATE orders SET status = 'refunded' WHERE id = 5", [], default);
        Assert.True(outcome.Run);

        var request = (await fixture.Store.Approvals.GetAsync(outcome.RequestId))!;
        Assert.Equal(ActionApprovals.Used, request.State);
        Assert.StartsWith("policy:staging-support-order-fixes auto_approve at ", request.DecidedBy, StringComparison.Ordinal);
        Assert.Contains("databases.yaml:", request.DecidedBy, StringComparison.Ordinal);

        var approved = await EventsAsync(AuditEventKinds.ApprovalApproved, outcome.RequestId);
        Assert.Equal("approved automatically by policy", Assert.Single(approved).Error);

        // Once: the same text again is a new request, approved again by the same entry while the shift lasts.
        var again = await Approvals.ReviewAsync(session, verdict, "UPDATE orders SET status = 'refunded' WHERE id = 5", [], default);
        Assert.True(again.Run);
        Assert.NotEqual(outcome.RequestId, again.RequestId);
    }

    [Fact]
    public async Task Outside_the_shift_it_waits_for_an_approver()
    {
        fixture.Clock.Advance(TimeSpan.FromHours(10)); // 21:00 in Berlin
        try
        {
            var (session, verdict) = Held("UPDATE orders SET status = 'refunded' WHERE id = 6");
            var outcome = await Approvals.ReviewAsync(session, verdict, "UPDATE orders SET status = 'refunded' WHERE id = 6", [], default);
            Assert.False(outcome.Run);
            Assert.Equal(ActionApprovals.Pending, (await fixture.Store.Approvals.GetAsync(outcome.RequestId))!.State);
        }
        finally
        {
            fixture.Clock.Advance(TimeSpan.FromHours(13)); // Tuesday 10:00 UTC: in the shift again
        }
    }

    private ActionApprovals Approvals => new(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock);

    private (GatewaySession Session, StatementVerdict Verdict) Held(string sql)
    {
        var session = new GatewaySession("s-" + Guid.NewGuid().ToString("N"), Dave, "orders-staging", null, null, fixture.Clock.GetUtcNow(), fixture.Clock);
        var verdict = new StatementGate(() => fixture.Policy, fixture.Clock).Decide(session, sql);
        Assert.Equal(RuleEffect.Review, verdict.Effect);
        Assert.Equal("staging-support-order-fixes", verdict.RuleId);
        return (session, verdict);
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
