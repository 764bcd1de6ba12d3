namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static ApprovalRequestRecord Request(string id, int minutes, string state = "pending") => new()
    {
        Id = id,
        Kind = "action",
        Requester = "alice",
        Resource = "orders-prod",
        ActionDigest = "9f2c" + id,
        ActionSummary = "DELETE FROM orders WHERE id = ?",
        Reason = "INC-42 cleanup",
        Rule = "prod-writes-need-approval",
        PolicyRevision = "rev-1",
        State = state,
        CreatedAt = T0.AddMinutes(minutes),
        ExpiresAt = T0.AddMinutes(minutes + 60),
    };

    private static ApprovalVoteRecord Vote(string requestId, string approver, string verdict, int minutes) =>
        new() { RequestId = requestId, Approver = approver, Verdict = verdict, Comment = $"{approver} says {verdict}", At = T0.AddMinutes(minutes) };

    [Fact]
    public async Task A_created_request_reads_back_with_every_field()
    {
        await using var store = await OpenStoreAsync();
        var action = Request("r1", 0);
        var access = new ApprovalRequestRecord
        {
            Id = "r2",
            Kind = "access",
            Requester = "bob",
            Resource = "billing",
            Grant = "prod-write",
            Rule = "jit",
            PolicyRevision = "rev-2",
            State = "approved",
            CreatedAt = T0,
            ExpiresAt = T0.AddHours(1),
            DecidedAt = T0.AddMinutes(1),
            DecidedBy = "carol",
            Comment = "ok",
        };

        await store.Approvals.CreateAsync(action);
        await store.Approvals.CreateAsync(access);

        Assert.Equal(action, await store.Approvals.GetAsync("r1"));
        Assert.Equal(access, await store.Approvals.GetAsync("r2"));
        Assert.Null(await store.Approvals.GetAsync("r3"));
        await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.Approvals.CreateAsync(action with { Requester = "mallory" }).AsTask());
        Assert.Equal("alice", (await store.Approvals.GetAsync("r1"))!.Requester);
    }

    [Fact]
    public async Task Requests_are_listed_newest_first_by_state()
    {
        await using var store = await OpenStoreAsync();
        await store.Approvals.CreateAsync(Request("old", 0));
        await store.Approvals.CreateAsync(Request("new", 20));
        await store.Approvals.CreateAsync(Request("mid", 10));
        await store.Approvals.CreateAsync(Request("done", 15, "approved"));

        Assert.Equal(["new", "mid", "old"], (await store.Approvals.ListAsync("pending")).Select(r => r.Id));
        Assert.Equal(["done"], (await store.Approvals.ListAsync("approved")).Select(r => r.Id));
        Assert.Empty(await store.Approvals.ListAsync("denied"));
        Assert.Equal(["new", "done", "mid", "old"], (await store.Approvals.ListAsync()).Select(r => r.Id));
        Assert.Equal(["new", "done"], (await store.Approvals.ListAsync(limit: 2)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_transition_happens_only_from_the_expected_state()
    {
        await using var store = await OpenStoreAsync();
        await store.Approvals.CreateAsync(Request("r1", 0));

        Assert.True(await store.Approvals.TransitionAsync("r1", "pending", "approved", T0.AddMinutes(5), "carol", "looks right"));

        // A second approver who decided on the old state lost the race.
        Assert.False(await store.Approvals.TransitionAsync("r1", "pending", "denied", T0.AddMinutes(6), "dave", "no"));
        Assert.False(await store.Approvals.TransitionAsync("nobody", "pending", "approved", T0, "carol", null));

        var decided = await store.Approvals.GetAsync("r1");
        Assert.Equal("approved", decided!.State);
        Assert.Equal((T0.AddMinutes(5), "carol", "looks right"), (decided.DecidedAt, decided.DecidedBy, decided.Comment));

        // The next step is taken from the state it is in now (an expiry or a use after approval).
        Assert.True(await store.Approvals.TransitionAsync("r1", "approved", "used", T0.AddMinutes(7), null, null));
        var used = await store.Approvals.GetAsync("r1");
        Assert.Equal(("used", (string?)null, (string?)null), (used!.State, used.DecidedBy, used.Comment));
    }

    [Fact]
    public async Task Concurrent_transitions_from_one_state_let_exactly_one_win()
    {
        await using var store = await OpenStoreAsync();
        await store.Approvals.CreateAsync(Request("r1", 0));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            store.Approvals.TransitionAsync("r1", "pending", i % 2 == 0 ? "approved" : "denied", T0.AddMinutes(i), $"approver-{i}", null).AsTask()));

        var winner = Assert.Single(results.Select((won, i) => (won, i)), x => x.won);
        var decided = await store.Approvals.GetAsync("r1");
        Assert.Equal($"approver-{winner.i}", decided!.DecidedBy);
        Assert.Equal(winner.i % 2 == 0 ? "approved" : "denied", decided.State);
    }

    [Fact]
    public async Task Each_approver_votes_once_per_request()
    {
        await using var store = await OpenStoreAsync();
        await store.Approvals.CreateAsync(Request("r1", 0));
        await store.Approvals.CreateAsync(Request("r2", 1));

        Assert.True(await store.Approvals.AddVoteAsync(Vote("r1", "carol", "approve", 3)));
        Assert.False(await store.Approvals.AddVoteAsync(Vote("r1", "carol", "deny", 4)));
        Assert.True(await store.Approvals.AddVoteAsync(Vote("r1", "dave", "deny", 2)));
        Assert.True(await store.Approvals.AddVoteAsync(Vote("r2", "carol", "deny", 5)));

        // Oldest first; carol's first vote stands.
        Assert.Equal([Vote("r1", "dave", "deny", 2), Vote("r1", "carol", "approve", 3)], await store.Approvals.ListVotesAsync("r1"));
        Assert.Equal([Vote("r2", "carol", "deny", 5)], await store.Approvals.ListVotesAsync("r2"));
        Assert.Empty(await store.Approvals.ListVotesAsync("r3"));
    }

    [Fact]
    public async Task A_vote_keeps_the_voters_idp_groups()
    {
        await using var store = await OpenStoreAsync();
        await store.Approvals.CreateAsync(Request("r1", 0));

        Assert.True(await store.Approvals.AddVoteAsync(Vote("r1", "dave", "approve", 1) with { IdpGroups = ["sre-leads", "dba team"] }));
        Assert.True(await store.Approvals.AddVoteAsync(Vote("r1", "bob", "approve", 2)));

        var votes = await store.Approvals.ListVotesAsync("r1");
        Assert.Equal(["sre-leads", "dba team"], votes.Single(v => v.Approver == "dave").IdpGroups);
        Assert.Empty(votes.Single(v => v.Approver == "bob").IdpGroups);
    }

    [Fact]
    public async Task A_vote_on_an_unknown_request_is_refused()
    {
        await using var store = await OpenStoreAsync();

        var ex = await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.Approvals.AddVoteAsync(Vote("nobody", "carol", "approve", 0)).AsTask());

        Assert.Contains(store.Description, ex.Message, StringComparison.Ordinal);
        Assert.Empty(await store.Approvals.ListVotesAsync("nobody"));
    }
}
