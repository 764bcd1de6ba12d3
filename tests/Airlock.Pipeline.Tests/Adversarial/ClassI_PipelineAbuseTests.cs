using Airlock.Audit;
using Airlock.Masking;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline.Tests.Adversarial;

/// <summary>
/// Issue 14, class I (the pipeline's part): TOTP guessing, and requests piled up for approvers. The MFA cases
/// run two gateways' step-up (two <see cref="MfaStepUp"/>) on one store, as two <c>airlock serve</c> on a shared
/// store do; the clock is moved by hand. Each case asserts the refusal's id, that nothing was granted, and the
/// trail.
/// </summary>
public sealed class ClassI_PipelineAbuseTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly byte[] Secret = "12345678901234567890"u8.ToArray();
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);
    private static readonly GatewayUser Carol = new("carol", [], Mfa: false);

    [Fact]
    public async Task Twenty_wrong_codes_across_two_gateways_lock_the_user_out_with_an_alert_and_a_right_code_is_then_refused_unheard()
    {
        var (a, b, user) = TwoGateways();
        for (var i = 0; i < 20; i++)
        {
            await WaitOutBackOffAsync(user.Name);
            var wrong = await Assert.ThrowsAsync<RefusedException>(() => (i % 2 == 0 ? a : b).VerifyAsync(user, WrongCode(), default).AsTask());
            Assert.Equal(IdentityErrors.MfaFailed, wrong.ErrorId);
        }

        var budget = (await fixture.Store.MfaStepUps.GetFailuresAsync(user.Name))!;
        Assert.Equal(20, budget.Failures);
        Assert.Equal(fixture.Clock.GetUtcNow() + TimeSpan.FromMinutes(15), budget.LockedUntil);

        // Locked: the right code is refused on either gateway without being checked, and no step-up is recorded.
        foreach (var gateway in new[] { a, b })
        {
            var locked = await Assert.ThrowsAsync<RefusedException>(() => gateway.VerifyAsync(user, RightCode(), default).AsTask());
            Assert.Equal(IdentityErrors.MfaLockedOut, locked.ErrorId);
            Assert.Contains("AL1021", locked.Message, StringComparison.Ordinal);
            Assert.InRange(locked.RetryAfter!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        }

        Assert.Null(await a.LastStepUpAsync(user.Name, default));
        var alerts = (await EventsAsync(AuditEventKinds.MfaLocked, user.Name)).ToList();
        var alert = Assert.Single(alerts);
        Assert.Equal(IdentityErrors.MfaLockedOut, alert.ErrorCode);
        Assert.Equal("20", alert.Detail!["failures"]);
        Assert.Equal(2, (await EventsAsync(AuditEventKinds.AuthFailed, user.Name)).Count(e => e.ErrorCode == IdentityErrors.MfaLockedOut));
    }

    [Fact]
    public async Task After_the_fifth_wrong_code_the_next_try_waits_and_is_refused_unheard_until_then()
    {
        var (a, b, user) = TwoGateways();
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, WrongCode(), default).AsTask());
        }

        // On the other gateway at once: refused before the code is looked at (a right one is not used up).
        var backOff = await Assert.ThrowsAsync<RefusedException>(() => b.VerifyAsync(user, RightCode(), default).AsTask());
        Assert.Equal(IdentityErrors.MfaBackOff, backOff.ErrorId);
        Assert.Equal(TimeSpan.FromSeconds(1), backOff.RetryAfter);
        Assert.Contains("not checked", backOff.Message, StringComparison.Ordinal);
        Assert.Null(await b.LastStepUpAsync(user.Name, default));

        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(fixture.Clock.GetUtcNow(), await b.VerifyAsync(user, RightCode(), default));
    }

    [Fact]
    public void The_back_off_doubles_from_one_second_and_stops_at_five_minutes()
    {
        var budget = new MfaFailureBudget(fixture.Store, fixture.Audit, fixture.Clock);
        Assert.Equal(TimeSpan.FromSeconds(1), budget.BackOff(5));
        Assert.Equal(TimeSpan.FromSeconds(2), budget.BackOff(6));
        Assert.Equal(TimeSpan.FromSeconds(256), budget.BackOff(13));
        Assert.Equal(TimeSpan.FromMinutes(5), budget.BackOff(14));
        Assert.Equal(TimeSpan.FromMinutes(5), budget.BackOff(long.MaxValue));
    }

    [Fact]
    public async Task A_burst_of_parallel_guesses_on_two_gateways_has_at_most_five_codes_checked()
    {
        var (a, b, user) = TwoGateways();
        var tries = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? a : b).VerifyAsync(user, WrongCode(), default);
                return "verified";
            }
            catch (RefusedException ex)
            {
                return ex.ErrorId;
            }
        })));

        Assert.DoesNotContain("verified", tries);
        Assert.InRange(tries.Count(t => t == IdentityErrors.MfaFailed), 1, 5);
        Assert.Equal(60, tries.Count(t => t is IdentityErrors.MfaFailed or IdentityErrors.MfaBackOff));
        Assert.InRange((await fixture.Store.MfaStepUps.GetFailuresAsync(user.Name))!.Failures, 1, 5);
    }

    [Fact]
    public async Task A_right_code_clears_the_budget_and_later_failures_start_from_none()
    {
        var (a, b, user) = TwoGateways();
        for (var i = 0; i < 6; i++)
        {
            await WaitOutBackOffAsync(user.Name);
            await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, WrongCode(), default).AsTask());
        }

        await WaitOutBackOffAsync(user.Name);
        await b.VerifyAsync(user, RightCode(), default);
        Assert.Null(await fixture.Store.MfaStepUps.GetFailuresAsync(user.Name));

        // Four failures later there is still no back-off.
        for (var i = 0; i < 4; i++)
        {
            var wrong = await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, WrongCode(), default).AsTask());
            Assert.Equal(IdentityErrors.MfaFailed, wrong.ErrorId);
        }
    }

    [Fact]
    public async Task A_replayed_code_neither_counts_nor_clears_the_budget()
    {
        var (a, b, user) = TwoGateways();
        await a.VerifyAsync(user, RightCode(), default);
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, WrongCode(), default).AsTask());
        }

        for (var i = 0; i < 10; i++)
        {
            var replay = await Assert.ThrowsAsync<RefusedException>(() => b.VerifyAsync(user, RightCode(), default).AsTask());
            Assert.Contains("used already", replay.Message, StringComparison.Ordinal);
        }

        Assert.Equal(3, (await fixture.Store.MfaStepUps.GetFailuresAsync(user.Name))!.Failures);
    }

    [Fact]
    public async Task After_a_lockout_each_further_failure_in_the_hour_locks_again_and_the_next_hour_starts_afresh()
    {
        var (a, _, user) = TwoGateways();
        for (var i = 0; i < 20; i++)
        {
            await WaitOutBackOffAsync(user.Name);
            await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, WrongCode(), default).AsTask());
        }

        // The guesser waits the lockout out (15 minutes); the hour that began with the first failure is not over.
        var lockedUntil = (await fixture.Store.MfaStepUps.GetFailuresAsync(user.Name))!.LockedUntil!.Value;
        fixture.Clock.Advance(lockedUntil - fixture.Clock.GetUtcNow());
        var again = await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, WrongCode(), default).AsTask());
        Assert.Equal(IdentityErrors.MfaFailed, again.ErrorId);
        Assert.Equal(2, (await EventsAsync(AuditEventKinds.MfaLocked, user.Name)).Count());
        Assert.Equal(IdentityErrors.MfaLockedOut, (await Assert.ThrowsAsync<RefusedException>(() => a.VerifyAsync(user, RightCode(), default).AsTask())).ErrorId);

        fixture.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(fixture.Clock.GetUtcNow(), await a.VerifyAsync(user, RightCode(), default));
    }

    [Fact]
    public async Task The_same_held_statement_asked_at_once_through_two_gateways_makes_one_request()
    {
        var one = NewApprovals();
        var two = NewApprovals();
        const string Sql = "DELETE FROM orders WHERE id = 424242";
        var asks = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            var (session, verdict) = Held(Sql, Carol);
            return await (i % 2 == 0 ? one : two).ReviewAsync(session, verdict, Sql, [], default);
        })));

        Assert.Single(asks.Select(r => r.RequestId).Distinct(StringComparer.Ordinal));
        Assert.All(asks, r => Assert.False(r.Run));
        var digest = ActionApprovals.DigestOf("carol", "demo", Sql, []);
        Assert.Single(await fixture.Store.Approvals.FindForActionAsync("carol", "demo", digest), r => r.State == ActionApprovals.Pending);
    }

    [Fact]
    public async Task The_twenty_first_pending_request_is_refused_with_its_id_and_nothing_is_made()
    {
        var approvals = NewApprovals();
        var held = new List<ReviewOutcome>();
        for (var i = 0; i < ActionApprovals.DefaultMaxPendingPerUser; i++)
        {
            var (session, verdict) = Held($"DELETE FROM orders WHERE id = {5000 + i}", Alice);
            held.Add(await approvals.ReviewAsync(session, verdict, $"DELETE FROM orders WHERE id = {5000 + i}", [], default));
        }

        var (last, lastVerdict) = Held("DELETE FROM orders WHERE id = 5999", Alice);
        var refused = await Assert.ThrowsAsync<RefusedException>(() => approvals.ReviewAsync(last, lastVerdict, "DELETE FROM orders WHERE id = 5999", [], default).AsTask());
        Assert.Equal(ApprovalErrors.TooManyPending, refused.ErrorId);
        Assert.Contains("(20)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.Store.Approvals.FindForActionAsync("alice", "demo", ActionApprovals.DigestOf("alice", "demo", "DELETE FROM orders WHERE id = 5999", [])));
        Assert.Contains(await EventsAsync(AuditEventKinds.ApprovalRefused, "alice"), e => e.ErrorCode == ApprovalErrors.TooManyPending);

        // Asking again for one already waiting still answers with it; an access request counts against the same cap.
        var (same, sameVerdict) = Held("DELETE FROM orders WHERE id = 5000", Alice);
        Assert.Equal(held[0].RequestId, (await approvals.ReviewAsync(same, sameVerdict, "DELETE FROM orders WHERE id = 5000", [], default)).RequestId);
        var access = await Assert.ThrowsAsync<RefusedException>(() => approvals.RequestAccessAsync(Alice, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-1", default).AsTask());
        Assert.Equal(ApprovalErrors.TooManyPending, access.ErrorId);

        // Others are not held back by alice's pile; and once one of hers is decided she may ask again.
        var (carols, carolsVerdict) = Held("DELETE FROM orders WHERE id = 5999", Carol);
        Assert.False((await approvals.ReviewAsync(carols, carolsVerdict, "DELETE FROM orders WHERE id = 5999", [], default)).Run);
        await approvals.DenyAsync(held[1].RequestId, Bob, "no", default);
        Assert.False((await approvals.ReviewAsync(last, lastVerdict, "DELETE FROM orders WHERE id = 5999", [], default)).Run);

        // Expired ones do not count either: an hour later the pile is gone.
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        await approvals.SweepExpiredAsync(default);
        var (later, laterVerdict) = Held("DELETE FROM orders WHERE id = 6000", Alice);
        Assert.False((await approvals.ReviewAsync(later, laterVerdict, "DELETE FROM orders WHERE id = 6000", [], default)).Run);
    }

    [Fact]
    public async Task Asking_twice_for_the_same_grant_returns_the_request_already_waiting()
    {
        var approvals = NewApprovals();
        var first = await approvals.RequestAccessAsync(Carol, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-11", default);
        var second = await approvals.RequestAccessAsync(Carol, "demo", "prod-write", TimeSpan.FromHours(1), "INC-12", default);
        var third = await approvals.RequestAccessAsync(Carol, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-11", default);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, third.Id);
        Assert.Equal(TimeSpan.FromMinutes(30), second.Duration);
        Assert.Single(await approvals.ListAsync(ActionApprovals.Pending, 100, Carol, default), r => r.Kind == ActionApprovals.AccessKind);

        // Once decided, a new ask is a new request.
        await approvals.DenyAsync(first.Id, Bob, "not now", default);
        Assert.NotEqual(first.Id, (await approvals.RequestAccessAsync(Carol, "demo", "prod-write", TimeSpan.FromMinutes(30), "INC-13", default)).Id);
    }

    [Fact]
    public async Task An_overflowing_duration_is_refused_with_its_id_not_thrown()
    {
        var approvals = NewApprovals();
        foreach (var duration in new[] { TimeSpan.MaxValue, TimeSpan.FromDays(3650000), TimeSpan.MinValue })
        {
            var refused = await Assert.ThrowsAsync<RefusedException>(() => approvals.RequestAccessAsync(Carol, "demo", "prod-write", duration, "INC-5", default).AsTask());
            Assert.Equal(ApprovalErrors.InvalidAccessRequest, refused.ErrorId);
        }

        Assert.Empty(await fixture.Store.Grants.ListActiveAsync(fixture.Clock.GetUtcNow(), "carol"));
    }

    /// <summary>Two gateways' step-up on the one store, for a user of this test alone.</summary>
    private (MfaStepUp A, MfaStepUp B, GatewayUser User) TwoGateways()
    {
        var user = new GatewayUser("totp-" + Guid.NewGuid().ToString("N")[..8], [], Mfa: false);
        var secrets = new Dictionary<string, byte[]>(StringComparer.Ordinal) { [user.Name] = Secret };

        // A fresh time step: earlier tests may have used this one's code for their own users only, but keep it clean.
        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        return (new MfaStepUp(secrets, fixture.Store, fixture.Audit, fixture.Clock), new MfaStepUp(secrets, fixture.Store, fixture.Audit, fixture.Clock), user);
    }

    private string RightCode() => Totp.Compute(Secret, Totp.StepAt(fixture.Clock.GetUtcNow()));

    private string WrongCode() => Totp.Compute(Secret, Totp.StepAt(fixture.Clock.GetUtcNow()) + 7);

    /// <summary>Moves the clock past the user's back-off, as a patient guesser would wait.</summary>
    private async Task WaitOutBackOffAsync(string user)
    {
        if (await fixture.Store.MfaStepUps.GetFailuresAsync(user) is { NotBefore: { } notBefore } && notBefore > fixture.Clock.GetUtcNow())
        {
            fixture.Clock.Advance(notBefore - fixture.Clock.GetUtcNow());
        }
    }

    private ActionApprovals NewApprovals() => new(fixture.Store, fixture.Audit, () => fixture.Policy, () => new MaskingEngine(MaskingProfile.Default()), fixture.Clock)
    {
        LastMfa = (_, _) => ValueTask.FromResult<DateTimeOffset?>(fixture.Clock.GetUtcNow()),
    };

    private (GatewaySession Session, StatementVerdict Verdict) Held(string sql, GatewayUser user)
    {
        var session = new GatewaySession("s-" + Guid.NewGuid().ToString("N"), user, "demo", null, null, fixture.Clock.GetUtcNow());
        var verdict = new StatementGate(() => fixture.Policy, fixture.Clock).Decide(session, sql);
        Assert.Equal(RuleEffect.Review, verdict.Effect);
        return (session, verdict);
    }

    private async Task<IEnumerable<AuditEvent>> EventsAsync(string kind, string user)
    {
        await fixture.Audit.CheckpointAsync();
        var events = new List<AuditEvent>();
        await foreach (var row in fixture.Store.Audit.ReadAsync(AuditQuery.All))
        {
            var e = AuditEventJson.Deserialize(row.Body).Event;
            if (e.Kind == kind && e.User == user)
            {
                events.Add(e);
            }
        }

        return events;
    }
}
