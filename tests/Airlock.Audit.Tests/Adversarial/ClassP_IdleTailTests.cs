using System.Diagnostics;
using Airlock.Audit.Tests.Support;
using Airlock.Store;

namespace Airlock.Audit.Tests.Adversarial;

/// <summary>
/// Issue 15, class P: the unsigned tail must not outlive the checkpoint interval when the gateway goes idle. The
/// trail's clock is a <see cref="ManualClock"/> that only the test moves, so no checkpoint comes from the
/// "interval passed at append" rule: only the timer (which runs on real time, every 300 ms here) can sign.
/// </summary>
public abstract class ClassP_IdleTailTests : IAsyncLifetime
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);
    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private StoreHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await CreateHarnessAsync();

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task After_activity_stops_the_timer_signs_the_head_within_the_interval()
    {
        await using var store = await _harness.OpenAsync();
        await using var trail = new AuditTrail(store, _key, new AuditTrailOptions { CheckpointInterval = Interval }, time: _clock);
        for (var i = 1; i <= 199; i++)
        {
            await trail.AppendAsync(SampleTrail.Event(i));
        }

        // The report: 199 events, then silence for 75 s.
        _clock.Advance(TimeSpan.FromSeconds(75));
        var head = await WaitForSignedHeadAsync(store);
        Assert.Equal(199, head.Seq);
        await AssertVerifiesWithNoTailAsync(store);
    }

    [Fact]
    public async Task Outcomes_appended_later_are_signed_too_when_nothing_follows_them()
    {
        await using var store = await _harness.OpenAsync();
        await using var trail = new AuditTrail(store, _key, new AuditTrailOptions { CheckpointInterval = Interval }, time: _clock);
        var intent = await trail.AppendAsync(SampleTrail.Event(1));
        trail.AppendLater(SampleTrail.Event(4) with { IntentSeq = intent.Seq });
        trail.AppendLater(SampleTrail.Event(8) with { IntentSeq = intent.Seq });

        var head = await WaitForSignedHeadAsync(store, atLeast: 3);
        Assert.Equal(3, head.Seq);
        await AssertVerifiesWithNoTailAsync(store);
    }

    [Fact]
    public async Task The_timer_keeps_signing_after_each_burst()
    {
        await using var store = await _harness.OpenAsync();
        await using var trail = new AuditTrail(store, _key, new AuditTrailOptions { CheckpointInterval = Interval }, time: _clock);
        for (var burst = 1; burst <= 3; burst++)
        {
            for (var i = 0; i < 5; i++)
            {
                await trail.AppendAsync(SampleTrail.Event(i + 1));
            }

            var head = await WaitForSignedHeadAsync(store, atLeast: burst * 5);
            Assert.Equal(burst * 5, head.Seq);
        }

        await AssertVerifiesWithNoTailAsync(store);
    }

    [Fact]
    public async Task A_tail_left_by_a_writer_that_never_signed_is_signed_by_the_next_trails_first_append()
    {
        await using var store = await _harness.OpenAsync();
        await using (var crashed = new AuditTrail(store, signingKey: null))
        {
            for (var i = 1; i <= 7; i++)
            {
                await crashed.AppendAsync(SampleTrail.Event(i));
            }
        }

        // An hour-long interval: neither the timer nor the append-time rule would sign soon.
        await using var restarted = new AuditTrail(store, _key, new AuditTrailOptions { CheckpointInterval = TimeSpan.FromHours(1) }, time: _clock);
        var receipt = await restarted.AppendAsync(SampleTrail.Event(8));
        var head = await store.Audit.ReadHeadAsync();
        Assert.Equal(receipt.Seq, head.CheckpointSeq);
        await AssertVerifiesWithNoTailAsync(store);
    }

    [Fact]
    public async Task A_clock_stepped_back_never_dates_a_checkpoint_before_the_last()
    {
        await using var store = await _harness.OpenAsync();
        await using var trail = new AuditTrail(store, _key, new AuditTrailOptions { CheckpointInterval = TimeSpan.FromHours(1) }, time: _clock);
        await trail.AppendAsync(SampleTrail.Event(1));
        await trail.CheckpointAsync();
        var first = await store.Audit.ReadHeadAsync();

        _clock.Advance(TimeSpan.FromMinutes(-30));
        await trail.AppendAsync(SampleTrail.Event(2));
        await trail.CheckpointAsync();
        var second = await store.Audit.ReadHeadAsync();

        Assert.Equal(first.CheckpointId + 1, second.CheckpointId);
        Assert.True(second.CheckpointTimeMicros >= first.CheckpointTimeMicros);
        await AssertVerifiesWithNoTailAsync(store);
    }

    [Fact]
    public async Task An_idle_tail_left_unsigned_past_interval_and_grace_is_reported_by_verify()
    {
        // The state the issue found (and that a deleted idle checkpoint leaves): events signed long after they were written.
        await using (var store = await _harness.OpenAsync())
        await using (var trail = new AuditTrail(store, signingKey: null, time: _clock))
        {
            for (var i = 1; i <= 20; i++)
            {
                await trail.AppendAsync(SampleTrail.Event(i));
                _clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        await using (var store = await _harness.OpenAsync())
        await using (var signer = new AuditTrail(store, _key, new AuditTrailOptions { CheckpointInterval = TimeSpan.FromHours(1) }, time: _clock))
        {
            // Signs 1..20 as a restart would, then writes an unsigned tail spread over 20 s.
            await signer.AppendAsync(SampleTrail.Event(21));
            await using var unsigned = new AuditTrail(store, signingKey: null, time: _clock);
            for (var i = 22; i <= 40; i++)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                await unsigned.AppendAsync(SampleTrail.Event(i));
            }

            var result = await AuditVerifier.VerifyAsync(store.Audit, [_key.PublicKey]);
            Assert.Equal(AuditErrors.TailTooOld, result.Problem?.ErrorId);
            Assert.Equal(22, result.Problem!.Seq);
        }
    }

    protected abstract Task<StoreHarness> CreateHarnessAsync();

    private static async Task<AuditChainHead> WaitForSignedHeadAsync(IAirlockStore store, long atLeast = 1)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var head = await store.Audit.ReadHeadAsync();
            if (head.Seq >= atLeast && head.CheckpointSeq == head.Seq)
            {
                return head;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), $"the head (event {head.Seq}) is still unsigned after {waited.Elapsed.TotalSeconds:0.0} s; last checkpoint at event {head.CheckpointSeq}");
            await Task.Delay(50);
        }
    }

    private async Task AssertVerifiesWithNoTailAsync(IAirlockStore store)
    {
        var result = await AuditVerifier.VerifyAsync(store.Audit, [_key.PublicKey], new AuditVerifyOptions { CheckpointInterval = Interval });
        Assert.True(result.Ok, result.Problem?.ToString());
        Assert.Equal(0, result.UnsignedTail);
    }
}

public sealed class ClassP_IdleTailSqliteTests : ClassP_IdleTailTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteHarness());
}

public sealed class ClassP_IdleTailPostgresTests(Airlock.TestSupport.PostgresClusterFixture cluster) : ClassP_IdleTailTests, IClassFixture<Airlock.TestSupport.PostgresClusterFixture>
{
    protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(cluster.Cluster);
}
