namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static SessionRecord Session(string id, string instance, int minutes) => new()
    {
        Id = id,
        User = "alice",
        Resource = "orders-prod",
        ClientAddress = "10.0.0.7:51234",
        Application = "psql",
        Instance = instance,
        StartedAt = T0.AddMinutes(minutes),
    };

    [Fact]
    public async Task A_started_session_reads_back_with_every_field()
    {
        await using var store = await OpenStoreAsync();
        var full = Session("s1", "gw-1", 0);
        var bare = new SessionRecord { Id = "s2", User = "bob", Resource = "billing", Instance = "gw-2", StartedAt = T0.AddTicks(10) };

        await store.Sessions.StartAsync(full);
        await store.Sessions.StartAsync(bare);

        Assert.Equal(full, await store.Sessions.GetAsync("s1"));
        Assert.Equal(bare, await store.Sessions.GetAsync("s2"));
        Assert.Null(await store.Sessions.GetAsync("s3"));
    }

    [Fact]
    public async Task Open_sessions_are_listed_oldest_first_and_by_instance()
    {
        await using var store = await OpenStoreAsync();
        await store.Sessions.StartAsync(Session("late", "gw-1", 30));
        await store.Sessions.StartAsync(Session("early", "gw-1", 10));
        await store.Sessions.StartAsync(Session("other", "gw-2", 20));
        await store.Sessions.StartAsync(Session("ended", "gw-1", 5));
        Assert.True(await store.Sessions.EndAsync("ended", T0.AddMinutes(40), "client closed"));

        Assert.Equal(["early", "other", "late"], (await store.Sessions.ListOpenAsync()).Select(s => s.Id));
        Assert.Equal(["early", "late"], (await store.Sessions.ListOpenAsync("gw-1")).Select(s => s.Id));
        Assert.Equal(["other"], (await store.Sessions.ListOpenAsync("gw-2")).Select(s => s.Id));
        Assert.Empty(await store.Sessions.ListOpenAsync("gw-3"));
    }

    [Fact]
    public async Task A_session_ends_once()
    {
        await using var store = await OpenStoreAsync();
        await store.Sessions.StartAsync(Session("s1", "gw-1", 0));

        Assert.True(await store.Sessions.EndAsync("s1", T0.AddMinutes(5), "client closed"));
        Assert.False(await store.Sessions.EndAsync("s1", T0.AddMinutes(9), "killed"));
        Assert.False(await store.Sessions.EndAsync("nobody", T0, "killed"));

        var ended = await store.Sessions.GetAsync("s1");
        Assert.Equal(T0.AddMinutes(5), ended!.EndedAt);
        Assert.Equal("client closed", ended.EndReason);
        Assert.Empty(await store.Sessions.ListOpenAsync());
    }

    [Fact]
    public async Task A_kill_can_be_requested_for_an_open_session_only()
    {
        await using var store = await OpenStoreAsync();
        await store.Sessions.StartAsync(Session("open", "gw-1", 0));
        await store.Sessions.StartAsync(Session("closed", "gw-1", 1));
        await store.Sessions.EndAsync("closed", T0.AddMinutes(2), "client closed");

        Assert.True(await store.Sessions.RequestKillAsync("open", T0.AddMinutes(3), "admin:carol"));
        Assert.False(await store.Sessions.RequestKillAsync("closed", T0.AddMinutes(3), "admin:carol"));
        Assert.False(await store.Sessions.RequestKillAsync("nobody", T0.AddMinutes(3), "admin:carol"));

        var killed = await store.Sessions.GetAsync("open");
        Assert.Equal((T0.AddMinutes(3), "admin:carol"), (killed!.KillRequestedAt, killed.KillRequestedBy));
        Assert.Null(killed.EndedAt); // the holding instance ends it; the request alone does not
        Assert.Equal(["open"], (await store.Sessions.ListOpenAsync()).Select(s => s.Id));
        var closed = await store.Sessions.GetAsync("closed");
        Assert.Null(closed!.KillRequestedAt);
    }

    [Fact]
    public async Task A_session_id_is_used_once()
    {
        await using var store = await OpenStoreAsync();
        await store.Sessions.StartAsync(Session("s1", "gw-1", 0));

        var ex = await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.Sessions.StartAsync(Session("s1", "gw-2", 1)).AsTask());

        Assert.Contains(store.Description, ex.Message, StringComparison.Ordinal);
        Assert.Equal("gw-1", (await store.Sessions.GetAsync("s1"))!.Instance);
    }
}
