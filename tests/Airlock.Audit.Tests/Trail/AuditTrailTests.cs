using System.Text;
using Airlock.Audit.Tests.Support;
using Airlock.Store;

namespace Airlock.Audit.Tests.Trail;

public sealed class AuditTrailTests : IAsyncLifetime
{
    private readonly SqliteHarness _harness = new();
    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private IAirlockStore _store = null!;

    public async Task InitializeAsync() => _store = await _harness.OpenAsync();

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _harness.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task Concurrent_appends_get_distinct_gapless_numbers_and_verify()
    {
        await using (var trail = new AuditTrail(_store, _key, new AuditTrailOptions { CheckpointEveryEvents = 50 }))
        {
            var receipts = await Task.WhenAll(Enumerable.Range(1, 500).Select(i => trail.AppendAsync(SampleTrail.Event(i)).AsTask()));
            Assert.Equal(Enumerable.Range(1, 500).Select(i => (long)i), receipts.Select(r => r.Seq).Order());
            Assert.Equal(500, receipts.Select(r => r.Id).Distinct().Count());
        }

        var result = await AuditVerifier.VerifyAsync(_store.Audit, [_key.PublicKey]);
        Assert.True(result.Ok, result.Problem?.ToString());
        Assert.Equal(500, result.LastSignedSeq);
    }

    [Fact]
    public async Task The_intent_is_in_the_store_before_the_append_returns_and_the_outcome_refers_to_it()
    {
        await using var trail = new AuditTrail(_store, _key);
        var intent = await trail.AppendAsync(SampleTrail.Event(1));

        // Another connection (another process, after a crash) sees the intent before any outcome exists.
        await using (var other = await _harness.OpenAsync(readOnly: true))
        {
            var rows = await other.Audit.ReadAsync(AuditQuery.All).ToListAsync();
            var only = Assert.Single(rows);
            Assert.Equal(AuditEventKinds.ActionIntent, only.Kind);
        }

        var outcome = await trail.AppendAsync(new AuditEvent { Kind = AuditEventKinds.ActionOutcome, IntentSeq = intent.Seq, Rows = 3, Outcome = "ok" });
        var stored = await _store.Audit.ReadAsync(new AuditQuery { AfterSeq = intent.Seq }).ToListAsync();
        Assert.Equal(intent.Seq, AuditEventJson.Deserialize(Assert.Single(stored).Body).Event.IntentSeq);
        Assert.Equal(intent.Seq + 1, outcome.Seq);
    }

    [Fact]
    public async Task Planted_secrets_never_reach_the_store_files()
    {
        string[] secrets =
        [
            "AKIAIOSFODNN7EXAMPLE",
            "hunter2-Secret-Pw",
            "S3cr3tDbPassw0rd",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "sk_live_51H8xYzAbCdEfGhIjKlMnOpQr",
        ];
        await using (var trail = new AuditTrail(_store, _key))
        {
            await trail.AppendAsync(new AuditEvent
            {
                Kind = AuditEventKinds.ActionIntent,
                User = "alice",
                ActionType = "sql",
                Text = $"SELECT * FROM keys WHERE k = '{secrets[0]}' AND note = 'password={secrets[1]}'",
                Error = $"could not connect to postgres://svc:{secrets[2]}@db.internal:5432/orders",
                Detail = new Dictionary<string, string> { ["token"] = $"Authorization: token {secrets[3]}", ["stripe"] = secrets[4] },
            });
        }

        var bytes = _harness.AllBytes();
        foreach (var secret in secrets)
        {
            Assert.True(IndexOf(bytes, Encoding.UTF8.GetBytes(secret)) < 0, $"the secret {secret[..4]}… was found in the store's files");
        }

        // The event is still there and useful: the statement's shape and the error's host survive.
        var stored = AuditEventJson.Deserialize(Assert.Single(await _store.Audit.ReadAsync(AuditQuery.All).ToListAsync()).Body).Event;
        Assert.StartsWith("SELECT * FROM keys WHERE k = ", stored.Text, StringComparison.Ordinal);
        Assert.Contains("db.internal", stored.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_is_signed_when_the_interval_passes_even_below_the_event_count()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        var options = new AuditTrailOptions { CheckpointEveryEvents = 1000, CheckpointInterval = TimeSpan.FromSeconds(10) };
        await using var trail = new AuditTrail(_store, _key, options, time: clock);
        await trail.AppendAsync(SampleTrail.Event(1));
        await trail.AppendAsync(SampleTrail.Event(2));
        Assert.Empty(await _store.Audit.ReadCheckpointsAsync().ToListAsync());

        clock.Advance(TimeSpan.FromSeconds(11));
        await trail.AppendAsync(SampleTrail.Event(3));
        var checkpoint = Assert.Single(await _store.Audit.ReadCheckpointsAsync().ToListAsync());
        Assert.Equal(3, checkpoint.Seq);
        Assert.Equal(UnixMicros.From(clock.GetUtcNow()), checkpoint.TimeMicros);
        Assert.Equal(_key.KeyId, checkpoint.KeyId);
        Assert.True(_key.PublicKey.Verify(checkpoint));
    }

    [Fact]
    public async Task Event_times_come_from_the_injected_clock()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(67_890));
        await using var trail = new AuditTrail(_store, _key, time: clock);
        var receipt = await trail.AppendAsync(SampleTrail.Event(1));
        Assert.Equal(clock.GetUtcNow(), receipt.Time);
        var body = Encoding.UTF8.GetString(Assert.Single(await _store.Audit.ReadAsync(AuditQuery.All).ToListAsync()).Body);
        Assert.Contains("\"time\":\"2026-01-02T03:04:05.006789Z\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_store_fails_the_append_with_its_reason_and_recovers_when_it_comes_back()
    {
        var failing = new FailingStore(_store);
        await using var trail = new AuditTrail(failing, _key);
        await trail.AppendAsync(SampleTrail.Event(1));

        failing.Failure = new StoreException(StoreErrors.Full, "the store /var/lib/airlock/airlock.db is full: the disk has no space left");
        var refused = await Assert.ThrowsAsync<AuditUnavailableException>(() => trail.AppendAsync(SampleTrail.Event(2)).AsTask());
        Assert.Equal(StoreErrors.Full, refused.StoreErrorId);
        Assert.Contains("/var/lib/airlock/airlock.db is full", refused.Message, StringComparison.Ordinal);
        Assert.Same(refused, trail.LastFailure);

        failing.Failure = null;
        var next = await trail.AppendAsync(SampleTrail.Event(3));
        Assert.Equal(2, next.Seq); // the refused event was never written: no gap, no phantom
        Assert.Null(trail.LastFailure);
        var result = await AuditVerifier.VerifyAsync(_store.Audit, [_key.PublicKey]);
        Assert.True(result.Ok, result.Problem?.ToString());
    }

    [Fact]
    public async Task When_audit_is_not_required_a_failed_append_returns_an_unrecorded_receipt_and_reports_the_outage()
    {
        var failing = new FailingStore(_store) { Failure = new StoreException(StoreErrors.ReadOnly, "the store x.db is read-only") };
        await using var trail = new AuditTrail(failing, _key, new AuditTrailOptions { Required = false });
        var receipt = await trail.AppendAsync(SampleTrail.Event(1));
        Assert.False(receipt.Recorded);
        Assert.Equal(StoreErrors.ReadOnly, trail.LastFailure?.StoreErrorId);
    }

    [Fact]
    public async Task A_read_only_store_refuses_appends_with_a_clear_error()
    {
        await using var readOnly = await _harness.OpenAsync(readOnly: true);
        await using var trail = new AuditTrail(readOnly, _key);
        var refused = await Assert.ThrowsAsync<AuditUnavailableException>(() => trail.AppendAsync(SampleTrail.Event(1)).AsTask());
        Assert.Equal(StoreErrors.ReadOnly, refused.StoreErrorId);
        Assert.Contains(_harness.DatabasePath, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trail_without_a_key_verifies_its_chain_but_reports_no_signatures()
    {
        await using (var trail = new AuditTrail(_store, signingKey: null))
        {
            await trail.AppendAsync(SampleTrail.Event(1));
        }

        var result = await AuditVerifier.VerifyAsync(_store.Audit, []);
        Assert.True(result.Ok);
        Assert.False(result.SignaturesChecked);
        Assert.Equal(0, result.LastSignedSeq);
        Assert.Equal(1, result.UnsignedTail);
    }

    [Fact]
    public async Task An_empty_trail_verifies()
    {
        var result = await AuditVerifier.VerifyAsync(_store.Audit, [_key.PublicKey]);
        Assert.True(result.Ok);
        Assert.Equal(0, result.EventsChecked);
    }

    [Fact]
    public async Task A_later_event_rides_in_the_next_append_and_comes_before_it()
    {
        await using var trail = new AuditTrail(_store, _key, new AuditTrailOptions { LaterFlushDelay = TimeSpan.FromHours(1) });
        var intent = await trail.AppendAsync(SampleTrail.Event(1));
        trail.AppendLater(new AuditEvent { Kind = AuditEventKinds.ActionOutcome, IntentSeq = intent.Seq, Outcome = "ok" });

        // Nothing has carried it yet: not in the store.
        Assert.Single(await _store.Audit.ReadAsync(AuditQuery.All).ToListAsync());

        var next = await trail.AppendAsync(SampleTrail.Event(2));
        var kinds = (await _store.Audit.ReadAsync(AuditQuery.All).ToListAsync()).Select(r => (r.Seq, r.Kind)).ToList();
        Assert.Equal([(1L, AuditEventKinds.ActionIntent), (2L, AuditEventKinds.ActionOutcome), (3L, SampleTrail.Event(2).Kind)], kinds);
        Assert.Equal(3, next.Seq);
    }

    [Fact]
    public async Task A_later_event_with_nothing_to_carry_it_is_written_after_the_delay()
    {
        await using var trail = new AuditTrail(_store, _key, new AuditTrailOptions { LaterFlushDelay = TimeSpan.FromMilliseconds(20) });
        trail.AppendLater(new AuditEvent { Kind = AuditEventKinds.ActionOutcome, Outcome = "ok" });
        trail.AppendLater(new AuditEvent { Kind = AuditEventKinds.ActionOutcome, Outcome = "error" });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        List<AuditRow> rows;
        while ((rows = await _store.Audit.ReadAsync(AuditQuery.All).ToListAsync()).Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(["ok", "error"], rows.Select(r => AuditEventJson.Deserialize(r.Body).Event.Outcome));
    }

    [Fact]
    public async Task Disposing_writes_the_later_events_still_queued_with_or_without_a_key()
    {
        await using (var trail = new AuditTrail(_store, signingKey: null, new AuditTrailOptions { LaterFlushDelay = TimeSpan.FromHours(1) }))
        {
            for (var i = 0; i < 5; i++)
            {
                trail.AppendLater(new AuditEvent { Kind = AuditEventKinds.ActionOutcome, Rows = i });
            }
        }

        var rows = await _store.Audit.ReadAsync(AuditQuery.All).ToListAsync();
        Assert.Equal([0L, 1L, 2L, 3L, 4L], rows.Select(r => AuditEventJson.Deserialize(r.Body).Event.Rows!.Value));
        Assert.True((await AuditVerifier.VerifyAsync(_store.Audit, [])).Ok);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
