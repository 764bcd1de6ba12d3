namespace Airlock.Pipeline.Tests;

/// <summary>Session limits from policy, and kills, with the clock moved by hand (no sleeps).</summary>
public sealed class SessionRegistryTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private static readonly GatewayUser Alice = new("alice", [], Mfa: false);
    private static readonly GatewayUser Frank = new("frank", [], Mfa: false);

    [Fact]
    public async Task An_idle_session_ends_after_the_policy_idle_limit()
    {
        await using var registry = NewRegistry("idle");
        var session = await registry.StartAsync(Alice, "demo", "10.0.0.1:5000", "psql", CancellationToken.None);
        fixture.Clock.Advance(TimeSpan.FromMinutes(14));
        await registry.CheckOnceAsync(CancellationToken.None);
        Assert.Null(session.EndReason);

        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        await registry.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(SessionEndCode.Idle, session.EndReason?.Code);
        Assert.True(session.Ended.IsCancellationRequested);
        Assert.Contains("15", session.EndReason!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Activity_keeps_a_session_alive_until_its_maximum_duration()
    {
        await using var registry = NewRegistry("max");
        var session = await registry.StartAsync(Alice, "demo", null, null, CancellationToken.None);
        for (var i = 0; i < 8 * 6 - 1; i++)
        {
            fixture.Clock.Advance(TimeSpan.FromMinutes(10));
            session.Touch(fixture.Clock.GetUtcNow());
            await registry.CheckOnceAsync(CancellationToken.None);
        }

        Assert.Null(session.EndReason);
        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        session.Touch(fixture.Clock.GetUtcNow());
        await registry.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(SessionEndCode.MaxDuration, session.EndReason?.Code);
    }

    [Fact]
    public async Task A_group_limit_tightens_the_default()
    {
        // contractors: max 1h, idle 10m (samples/policies/masking.yaml), frank is a contractor.
        await using var registry = NewRegistry("contractor");
        var session = await registry.StartAsync(Frank, "orders-staging", null, null, CancellationToken.None);
        fixture.Clock.Advance(TimeSpan.FromMinutes(11));
        await registry.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(SessionEndCode.Idle, session.EndReason?.Code);
    }

    [Fact]
    public async Task A_kill_from_another_instance_reaches_the_session_through_the_store()
    {
        await using var holder = NewRegistry("gw-a");
        await using var other = NewRegistry("gw-b");
        var session = await holder.StartAsync(Alice, "demo", null, null, CancellationToken.None);

        Assert.True(await other.KillAsync(session.Id, "admin ops", CancellationToken.None));
        Assert.Null(session.EndReason); // not this instance's session: passed on through the store

        await holder.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(SessionEndCode.Killed, session.EndReason?.Code);
        Assert.Contains("admin ops", session.EndReason!.Message, StringComparison.Ordinal);
        Assert.False(await other.KillAsync("no-such-session", "admin ops", CancellationToken.None));
    }

    [Fact]
    public async Task Start_and_end_are_recorded_in_the_store_and_the_trail()
    {
        await using var registry = NewRegistry("records");
        var session = await registry.StartAsync(Alice, "demo", "10.0.0.9:1", "psql", CancellationToken.None);
        Assert.NotNull(await fixture.Store.Sessions.GetAsync(session.Id));
        await registry.EndAsync(session, "client closed");
        var record = await fixture.Store.Sessions.GetAsync(session.Id);
        Assert.Equal("client closed", record!.EndReason);

        var kinds = new List<string>();
        await foreach (var row in fixture.Store.Audit.ReadAsync(new Airlock.Store.AuditQuery { SessionId = session.Id }))
        {
            kinds.Add(row.Kind);
        }

        Assert.Equal([Airlock.Audit.AuditEventKinds.SessionStart, Airlock.Audit.AuditEventKinds.SessionEnd], kinds);
    }

    private SessionRegistry NewRegistry(string instance) =>
        new(instance, fixture.Store, fixture.Audit, () => fixture.Policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
}
