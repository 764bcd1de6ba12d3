namespace Airlock.Store.Tests.Conformance;

/// <summary>Schema version 4: the exact text of a held statement, one pending request per action, TOTP failure budgets.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task A_request_keeps_its_exact_text_parameters_and_structure_byte_for_byte()
    {
        await using var store = await OpenStoreAsync();
        byte[] binary = [0x00, 0xff, 0x1b, 0x9b];
        var request = Request("x1", 0) with
        {
            ExactText = "UPDATE orders SET status = 'x' /* Cookie: s=1 */ OR id <= 3\u202e\u001b[2J",
            ExactParameters = [[0x31], null, binary],
            Structure = """{"normalized":"UPDATE orders SET status = $1"}""",
        };

        await store.Approvals.CreateAsync(request);
        var read = (await store.Approvals.GetAsync("x1"))!;

        Assert.Equal(request.ExactText, read.ExactText);
        Assert.Equal(request.Structure, read.Structure);
        Assert.Equal(3, read.ExactParameters!.Count);
        Assert.Equal([0x31], read.ExactParameters[0]);
        Assert.Null(read.ExactParameters[1]);
        Assert.Equal(binary, read.ExactParameters[2]);
    }

    [Fact]
    public async Task Only_one_request_per_action_is_pending_and_a_second_is_not_made()
    {
        await using var store = await OpenStoreAsync();
        Assert.True(await store.Approvals.TryCreateAsync(Request("p1", 0) with { ActionDigest = "same" }));
        Assert.False(await store.Approvals.TryCreateAsync(Request("p2", 1) with { ActionDigest = "same" }));
        Assert.Null(await store.Approvals.GetAsync("p2"));

        // Another requester, another resource, or the first one decided: each may have its own.
        Assert.True(await store.Approvals.TryCreateAsync(Request("p3", 1) with { ActionDigest = "same", Requester = "carol" }));
        Assert.True(await store.Approvals.TryCreateAsync(Request("p4", 1) with { ActionDigest = "same", Resource = "other" }));
        Assert.True(await store.Approvals.TransitionAsync("p1", "pending", "denied", T0.AddMinutes(2), "bob", "no"));
        Assert.True(await store.Approvals.TryCreateAsync(Request("p5", 3) with { ActionDigest = "same" }));
    }

    [Fact]
    public async Task Two_stores_racing_with_one_action_make_one_pending_request()
    {
        await using var a = await OpenStoreAsync();
        await using var b = await ReopenStoreAsync();
        var made = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? a : b).Approvals.TryCreateAsync(Request("race" + i, 0) with { ActionDigest = "raced" }).AsTask()));

        Assert.Single(made, m => m);
        Assert.Single(await a.Approvals.FindForActionAsync("alice", "orders-prod", "raced"));
    }

    [Fact]
    public async Task Pending_requests_are_counted_per_requester_and_kind_until_they_expire()
    {
        await using var store = await OpenStoreAsync();
        await store.Approvals.CreateAsync(Request("c1", 0));
        await store.Approvals.CreateAsync(Request("c2", 0) with { Kind = "access" });
        await store.Approvals.CreateAsync(Request("c3", 0) with { Kind = "break_glass" });
        await store.Approvals.CreateAsync(Request("c4", 0, "approved"));
        await store.Approvals.CreateAsync(Request("c5", 0) with { Requester = "carol" });
        await store.Approvals.CreateAsync(Request("c6", -120));

        Assert.Equal(2, await store.Approvals.CountPendingAsync("alice", ["action", "access"], T0));
        Assert.Equal(1, await store.Approvals.CountPendingAsync("alice", ["action"], T0));
        Assert.Equal(1, await store.Approvals.CountPendingAsync("carol", ["action", "access"], T0));
        Assert.Equal(0, await store.Approvals.CountPendingAsync("alice", ["action", "access"], T0.AddHours(2)));
    }

    [Fact]
    public async Task A_failure_budget_is_written_only_over_the_version_that_was_read()
    {
        await using var store = await OpenStoreAsync();
        Assert.Null(await store.MfaStepUps.GetFailuresAsync("bob"));
        var first = new MfaFailureRecord("bob", 1, T0, null, null, 1);
        Assert.True(await store.MfaStepUps.TryWriteFailuresAsync(first, expectedVersion: null));
        Assert.False(await store.MfaStepUps.TryWriteFailuresAsync(first with { Failures = 9 }, expectedVersion: null));
        Assert.Equal(first, await store.MfaStepUps.GetFailuresAsync("bob"));

        var second = new MfaFailureRecord("bob", 2, T0, T0.AddSeconds(1), T0.AddMinutes(15), 2);
        Assert.False(await store.MfaStepUps.TryWriteFailuresAsync(second, expectedVersion: 7));
        Assert.True(await store.MfaStepUps.TryWriteFailuresAsync(second, expectedVersion: 1));
        Assert.Equal(second, await store.MfaStepUps.GetFailuresAsync("bob"));

        await store.MfaStepUps.ClearFailuresAsync("bob");
        Assert.Null(await store.MfaStepUps.GetFailuresAsync("bob"));
    }

    [Fact]
    public async Task Two_stores_counting_failures_at_once_lose_none()
    {
        await using var a = await OpenStoreAsync();
        await using var b = await ReopenStoreAsync();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            while (true)
            {
                var current = await store.MfaStepUps.GetFailuresAsync("bob");
                var next = new MfaFailureRecord("bob", (current?.Failures ?? 0) + 1, T0, null, null, (current?.Version ?? 0) + 1);
                if (await store.MfaStepUps.TryWriteFailuresAsync(next, current?.Version))
                {
                    return;
                }
            }
        })));

        Assert.Equal(12, (await a.MfaStepUps.GetFailuresAsync("bob"))!.Failures);
    }
}
