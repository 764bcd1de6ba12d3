using Airlock.Masking;
using Airlock.Policy.Model;

namespace Airlock.Pipeline.Tests.Adversarial;

/// <summary>
/// Issue 15, class U (tickets, the pipeline's part), with the sample policy (prod-write wants a reason matching
/// ^INC-[0-9]+$, and the rule prod-writes-with-grant the same ticket): a ticket that looks like a card number
/// (INC-4111111111111111) is kept as written, so approvers can look it up and the granted session satisfies the
/// rule; a reason that is more than a ticket is refused at once (AL1008), or, where no ticket is asked, masked.
/// </summary>
public sealed class ClassU_TicketGrantTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private const string Delete = "DELETE FROM orders WHERE id = 1";
    private const string CardTicket = "INC-4111111111111111";
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);

    [Fact]
    public async Task A_card_like_ticket_is_stored_unmasked_and_the_granted_session_satisfies_the_rule()
    {
        var approvals = NewApprovals(out var registry);
        await using (registry)
        {
            var session = await registry.StartAsync(Alice, "demo", null, null, default);
            var gate = new StatementGate(() => fixture.Policy, fixture.Clock);
            Assert.Equal(RuleEffect.Review, gate.Decide(session, Delete).Effect);

            var request = await approvals.RequestAccessAsync(Alice, "demo", "prod-write", TimeSpan.FromHours(1), CardTicket, default);
            Assert.Equal(CardTicket, (await fixture.Store.Approvals.GetAsync(request.Id))!.Reason);

            await approvals.ApproveAsync(request.Id, Bob, null, default);
            Assert.Equal(CardTicket, Assert.Single(session.ActiveGrants()).Reason);
            var allowed = gate.Decide(session, Delete);
            Assert.Equal(RuleEffect.Allow, allowed.Effect);
            Assert.Equal("prod-writes-with-grant", allowed.RuleId);
        }
    }

    [Theory]
    [InlineData("INC-1\n")]
    [InlineData("INC-1\r\n")]
    [InlineData("INC-1 card 4111111111111111")]
    [InlineData("\nINC-1")]
    public async Task A_reason_that_is_more_than_the_ticket_is_refused_at_once(string reason)
    {
        var approvals = NewApprovals(out var registry);
        await using (registry)
        {
            var ex = await Assert.ThrowsAsync<RefusedException>(() => approvals.RequestAccessAsync(Alice, "demo", "prod-write", TimeSpan.FromHours(1), reason, default).AsTask());
            Assert.Equal(ApprovalErrors.InvalidAccessRequest, ex.ErrorId);
            Assert.Equal("AL1008", ex.ErrorId);
        }
    }

    private ActionApprovals NewApprovals(out SessionRegistry registry)
    {
        // The class shares one store and clock: grants of earlier tests (2 h at most) are over by now.
        fixture.Clock.Advance(TimeSpan.FromHours(3));
        var sessions = registry = new SessionRegistry("classu-" + Guid.NewGuid().ToString("N")[..8], fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
        return new ActionApprovals(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
        {
            GrantsChanged = (user, cancellationToken) => sessions.RefreshGrantsAsync(user, cancellationToken),
            LastMfa = (_, _) => ValueTask.FromResult<DateTimeOffset?>(fixture.Clock.GetUtcNow()),
        };
    }
}
