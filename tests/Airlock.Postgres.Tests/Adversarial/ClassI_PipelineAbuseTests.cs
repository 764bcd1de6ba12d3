using System.Text.RegularExpressions;
using Airlock.Audit;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Issue 14, class I (the pipeline's part), on the wire: alice piles up held writes with real psql. The same
/// statement asked again is the same request; past the cap (20 pending per person) a held write is refused
/// with AL1022 (SQLSTATE 53400) and no request is made. Nothing is written, and no planted value reaches the
/// client or the trail.
/// </summary>
public sealed partial class ClassI_PipelineAbuseTests(AdversarialHarness gateway) : IClassFixture<AdversarialHarness>
{
    [Fact]
    public async Task The_same_held_write_sent_again_and_at_once_from_three_sessions_is_one_request()
    {
        var sql = $"UPDATE customers SET email = '{AdversarialHarness.PlantedEmail}' WHERE id = {AdversarialHarness.PlantedId}";
        var outputs = new List<string>();
        await gateway.AssertHarmlessAsync(async () =>
        {
            outputs.Add(await gateway.PsqlOutputAsync(sql));
            outputs.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => gateway.PsqlOutputAsync(sql))));
            return string.Join("\n", outputs).Replace(AdversarialHarness.PlantedEmail, "(sent by alice)", StringComparison.Ordinal);
        });

        var ids = outputs.Select(o => RequestId().Match(o).Value).ToList();
        Assert.All(ids, id => Assert.StartsWith("apr_", id, StringComparison.Ordinal));
        Assert.Single(ids.Distinct(StringComparer.Ordinal));
        Assert.All(outputs, o => Assert.Contains("AL0902", o, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Past_twenty_pending_requests_a_held_write_is_refused_with_AL1022_and_no_request_is_made()
    {
        try
        {
            await FillAlicesPendingAsync();
            string refused = string.Empty;
            await gateway.AssertHarmlessAsync(async () =>
                refused = await gateway.PsqlOutputAsync($"UPDATE customers SET ssn = '000-00-0000' WHERE full_name = '{AdversarialHarness.PlantedName}'"));

            Assert.Contains("AL1022", refused, StringComparison.Ordinal);
            Assert.DoesNotContain("apr_", refused, StringComparison.Ordinal);
            Assert.Equal(Pipeline.ActionApprovals.DefaultMaxPendingPerUser, await AlicesPendingAsync());
            var events = await gateway.AuditEventsAsync();
            Assert.Contains(events, e => e.Event.Kind == AuditEventKinds.ApprovalRefused && e.Event.ErrorCode == "AL1022");
            Assert.Contains(events, e => e.Event.Kind == AuditEventKinds.ActionBlocked && e.Event.User == "alice" && e.Event.Detail?.ContainsKey("approval_id") != true);
        }
        finally
        {
            await ClearAlicesPendingAsync();
        }
    }

    [Fact]
    public async Task Past_the_cap_the_refusal_carries_sqlstate_53400_and_asking_again_for_a_waiting_one_still_answers_with_it()
    {
        try
        {
            var first = await gateway.PsqlOutputAsync("UPDATE orders SET status = 'first' WHERE id = 3001");
            var id = RequestId().Match(first).Value;
            await FillAlicesPendingAsync();

            var before = await gateway.WriteFingerprintAsync();
            var refused = await gateway.PsqlOutputAsync("DELETE FROM orders WHERE id = 3001", extra: ["-v", "VERBOSITY=verbose"]);
            Assert.Contains("53400", refused, StringComparison.Ordinal);
            Assert.Contains("AL1022", refused, StringComparison.Ordinal);

            // The one already waiting is not a new request: it is still answered with its id.
            var again = await gateway.PsqlOutputAsync("UPDATE orders SET status = 'first' WHERE id = 3001");
            Assert.Contains(id, again, StringComparison.Ordinal);
            Assert.Equal(before, await gateway.WriteFingerprintAsync());
        }
        finally
        {
            await ClearAlicesPendingAsync();
        }
    }

    private async Task<int> AlicesPendingAsync() => (await gateway.Approvals.ListAsync("pending", 1000, default)).Count(r => r.Requester == "alice");

    /// <summary>Held writes as alice until she has as many pending requests as one person may.</summary>
    private async Task FillAlicesPendingAsync()
    {
        for (var i = 0; await AlicesPendingAsync() < Pipeline.ActionApprovals.DefaultMaxPendingPerUser; i++)
        {
            var held = await gateway.PsqlOutputAsync($"UPDATE orders SET status = 'pile-{Guid.NewGuid():N}' WHERE id = {3100 + i}");
            Assert.Contains("AL0902", held, StringComparison.Ordinal);
        }
    }

    /// <summary>Test cleanup, past the API (the harness's approvers have no MFA to vote with): alice's pile is closed.</summary>
    private async Task ClearAlicesPendingAsync()
    {
        foreach (var request in (await gateway.Approvals.ListAsync("pending", 1000, default)).Where(r => r.Requester == "alice"))
        {
            await gateway.Store.Approvals.TransitionAsync(request.Id, "pending", "denied", DateTimeOffset.UtcNow, "test cleanup", "test cleanup");
        }
    }

    [GeneratedRegex("apr_[0-9a-f]{20}")]
    private static partial Regex RequestId();
}
