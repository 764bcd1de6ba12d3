namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static GrantRecord GrantFor(string id, string user, int fromHours, int untilHours) => new()
    {
        Id = id,
        User = user,
        Grant = "prod-write",
        Resource = "orders-prod",
        ApprovalId = "r-" + id,
        From = T0.AddHours(fromHours),
        Until = T0.AddHours(untilHours),
    };

    [Fact]
    public async Task A_grant_is_in_force_from_its_start_until_just_before_its_end()
    {
        await using var store = await OpenStoreAsync();
        var grant = GrantFor("g1", "alice", 1, 2);
        await store.Grants.CreateAsync(grant);

        Assert.Equal(grant, await store.Grants.GetAsync("g1"));
        Assert.Empty(await store.Grants.ListActiveAsync(T0));
        Assert.Empty(await store.Grants.ListActiveAsync(grant.From.AddTicks(-10)));
        Assert.Equal([grant], await store.Grants.ListActiveAsync(grant.From));
        Assert.Equal([grant], await store.Grants.ListActiveAsync(T0.AddMinutes(90)));
        Assert.Equal([grant], await store.Grants.ListActiveAsync(grant.Until.AddTicks(-10)));
        Assert.Empty(await store.Grants.ListActiveAsync(grant.Until));
        Assert.Empty(await store.Grants.ListActiveAsync(T0.AddDays(1)));
    }

    [Fact]
    public async Task Active_grants_are_listed_by_start_and_by_user()
    {
        await using var store = await OpenStoreAsync();
        var later = GrantFor("g-later", "alice", 2, 6);
        var earlier = GrantFor("g-earlier", "alice", 1, 5);
        var bobs = GrantFor("g-bob", "bob", 0, 5);
        var expired = GrantFor("g-expired", "alice", 0, 1);
        foreach (var grant in (GrantRecord[])[later, earlier, bobs, expired])
        {
            await store.Grants.CreateAsync(grant);
        }

        var at = T0.AddHours(3);
        Assert.Equal([bobs, earlier, later], await store.Grants.ListActiveAsync(at));
        Assert.Equal([earlier, later], await store.Grants.ListActiveAsync(at, "alice"));
        Assert.Equal([bobs], await store.Grants.ListActiveAsync(at, "bob"));
        Assert.Empty(await store.Grants.ListActiveAsync(at, "carol"));
    }

    [Fact]
    public async Task A_grant_is_revoked_once_and_is_no_longer_in_force()
    {
        await using var store = await OpenStoreAsync();
        await store.Grants.CreateAsync(GrantFor("g1", "alice", 0, 8));
        await store.Grants.CreateAsync(GrantFor("g2", "alice", 0, 8));

        Assert.True(await store.Grants.RevokeAsync("g1", T0.AddHours(1), "carol"));
        Assert.False(await store.Grants.RevokeAsync("g1", T0.AddHours(2), "dave"));
        Assert.False(await store.Grants.RevokeAsync("nobody", T0.AddHours(2), "dave"));

        var revoked = await store.Grants.GetAsync("g1");
        Assert.Equal((T0.AddHours(1), "carol"), (revoked!.RevokedAt, revoked.RevokedBy));
        Assert.Equal(["g2"], (await store.Grants.ListActiveAsync(T0.AddHours(3))).Select(g => g.Id));

        // Revocation ends the grant for good, even at times before it was revoked.
        Assert.Equal(["g2"], (await store.Grants.ListActiveAsync(T0.AddMinutes(30))).Select(g => g.Id));
        await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.Grants.CreateAsync(GrantFor("g1", "alice", 0, 8)).AsTask());
    }
}
