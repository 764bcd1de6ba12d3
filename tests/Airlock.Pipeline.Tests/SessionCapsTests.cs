using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;

namespace Airlock.Pipeline.Tests;

/// <summary>sessions.max_per_user and max_per_resource, counted over every gateway sharing the store (issue 14, class I).</summary>
public sealed class SessionCapsTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>, IDisposable
{
    private readonly string _bundle = Directory.CreateTempSubdirectory("airlock-caps-").FullName;

    public void Dispose() => Directory.Delete(_bundle, recursive: true);

    [Fact]
    public async Task A_person_past_max_per_user_is_refused_and_others_are_not()
    {
        var policy = Policy("max_per_user: 2", "max_per_resource: 10");
        await using var registry = NewRegistry("caps-user", policy);
        var a1 = await registry.StartAsync(new GatewayUser("cap-alice", [], Mfa: false), "capped-user-db", null, null, CancellationToken.None);
        await registry.StartAsync(new GatewayUser("cap-alice", [], Mfa: false), "capped-user-db", null, null, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => registry.StartAsync(new GatewayUser("cap-alice", [], Mfa: false), "capped-user-db", null, null, CancellationToken.None).AsTask());
        Assert.Equal("AL0959", refused.ErrorId);
        await registry.StartAsync(new GatewayUser("cap-bob", [], Mfa: false), "capped-user-db", null, null, CancellationToken.None);

        // A session that ends gives its seat back.
        await registry.EndAsync(a1, "client closed");
        await registry.StartAsync(new GatewayUser("cap-alice", [], Mfa: false), "capped-user-db", null, null, CancellationToken.None);
    }

    [Fact]
    public async Task Sessions_on_another_gateway_count_and_a_dead_gateways_old_records_stop_counting()
    {
        var policy = Policy("max_per_user: 5", "max_per_resource: 2");
        await using var first = NewRegistry("caps-gw-a", policy);
        await using var second = NewRegistry("caps-gw-b", policy);
        await first.StartAsync(new GatewayUser("cap-carol", [], Mfa: false), "capped-resource-db", null, null, CancellationToken.None);
        await first.StartAsync(new GatewayUser("cap-dave", [], Mfa: false), "capped-resource-db", null, null, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => second.StartAsync(new GatewayUser("cap-erin", [], Mfa: false), "capped-resource-db", null, null, CancellationToken.None).AsTask());
        Assert.Equal("AL0960", refused.ErrorId);

        // gw-a's records, never ended (as if it died), no longer count once older than sessions.max (8h).
        fixture.Clock.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1));
        await second.StartAsync(new GatewayUser("cap-erin", [], Mfa: false), "capped-resource-db", null, null, CancellationToken.None);
    }

    [Fact]
    public async Task Concurrent_logins_on_one_gateway_cannot_both_take_the_last_seat()
    {
        var policy = Policy("max_per_user: 3", "max_per_resource: 100");
        await using var registry = NewRegistry("caps-race", policy);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            try
            {
                await registry.StartAsync(new GatewayUser("cap-frank", [], Mfa: false), "capped-race-db", null, null, CancellationToken.None);
                return true;
            }
            catch (RefusedException)
            {
                return false;
            }
        }));
        Assert.Equal(3, attempts.Count(started => started));
    }

    private PolicySnapshot Policy(string perUser, string perResource)
    {
        var directory = Path.Combine(_bundle, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "policy.yaml"), $$"""
            sessions:
              {{perUser}}
              {{perResource}}
            resources:
              capped-user-db: { type: postgres, postgres: { host: h, database: d, user: u } }
              capped-resource-db: { type: postgres, postgres: { host: h, database: d, user: u } }
              capped-race-db: { type: postgres, postgres: { host: h, database: d, user: u } }
            rules:
              - id: r1
                allow: { resources: [capped-user-db], sql: [read] }
            """);
        var loaded = BundleLoader.Load(directory);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        return SnapshotCompiler.Compile(loaded.Bundle!);
    }

    private SessionRegistry NewRegistry(string instance, PolicySnapshot policy) =>
        new(instance, fixture.Store, fixture.Audit, () => policy, fixture.Clock, checkEvery: TimeSpan.FromHours(1));
}
