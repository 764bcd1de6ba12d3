using Airlock.Store.Tests.Support;

namespace Airlock.Store.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    /// <summary>The trail of the filter tests: every filter has rows that match it and rows that only nearly do.</summary>
    private static readonly TestEvent[] FilterTrail =
    [
        /* 1 */ new("session.start", T0.AddSeconds(1)) { User = "alice", Resource = "orders", SessionId = "s1" },
        /* 2 */ new("action.intent", T0.AddSeconds(2)) { User = "alice", Resource = "orders", Decision = "allow", SessionId = "s1" },
        /* 3 */ new("action.result", T0.AddSeconds(3)) { User = "alice", Resource = "orders", Decision = "allow", SessionId = "s1" },
        /* 4 */ new("action.intent", T0.AddSeconds(4)) { User = "bob", Resource = "billing", Decision = "deny", SessionId = "s2" },
        /* 5 */ new("approval.request", T0.AddSeconds(5)) { User = "bob", Resource = "billing", SessionId = "s2" },
        /* 6 */ new("actions.misc", T0.AddSeconds(6)) { User = "carol", Resource = "orders", SessionId = "s3" },
        /* 7 */ new("action", T0.AddSeconds(7)) { User = "carol", Resource = "orders", SessionId = "s3" },
        /* 8 */ new("action.intent", T0.AddSeconds(8)) { User = "alice", Resource = "billing", Decision = "approval", SessionId = "s4" },
        /* 9 */ new("session.end", T0.AddSeconds(9)) { User = "alice", Resource = "orders", SessionId = "s1" },
        /* 10 */ new("policy.reload", T0.AddSeconds(9)),
    ];

    public static TheoryData<string> FilterCases => [.. FilterQueries.Keys];

    private static Dictionary<string, (AuditQuery Query, long[] Expected)> FilterQueries { get; } = new(StringComparer.Ordinal)
    {
        ["all"] = (AuditQuery.All, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        ["user"] = (new AuditQuery { User = "alice" }, [1, 2, 3, 8, 9]),
        ["user that is a prefix of none"] = (new AuditQuery { User = "ali" }, []),
        ["resource"] = (new AuditQuery { Resource = "billing" }, [4, 5, 8]),
        ["decision"] = (new AuditQuery { Decision = "allow" }, [2, 3]),
        ["session"] = (new AuditQuery { SessionId = "s2" }, [4, 5]),
        ["exact kind"] = (new AuditQuery { Kind = "action.intent" }, [2, 4, 8]),
        ["exact kind without a dot matches only itself"] = (new AuditQuery { Kind = "action" }, [7]),
        ["kind prefix"] = (new AuditQuery { Kind = "action." }, [2, 3, 4, 8]),
        ["kind prefix session."] = (new AuditQuery { Kind = "session." }, [1, 9]),
        ["since is inclusive"] = (new AuditQuery { Since = T0.AddSeconds(8) }, [8, 9, 10]),
        ["until is exclusive"] = (new AuditQuery { Until = T0.AddSeconds(3) }, [1, 2]),
        ["since and until"] = (new AuditQuery { Since = T0.AddSeconds(3), Until = T0.AddSeconds(5) }, [3, 4]),
        ["a microsecond before until"] = (new AuditQuery { Since = T0.AddSeconds(3), Until = T0.AddSeconds(3).AddTicks(10) }, [3]),
        ["after seq"] = (new AuditQuery { AfterSeq = 7 }, [8, 9, 10]),
        ["after the last seq"] = (new AuditQuery { AfterSeq = 10 }, []),
        ["limit returns the newest, oldest first"] = (new AuditQuery { Limit = 3 }, [8, 9, 10]),
        ["limit larger than the trail"] = (new AuditQuery { Limit = 50 }, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
        ["limit zero"] = (new AuditQuery { Limit = 0 }, []),
        ["limit after filtering"] = (new AuditQuery { User = "alice", Limit = 2 }, [8, 9]),
        ["after seq and limit"] = (new AuditQuery { AfterSeq = 2, Limit = 2, Kind = "action." }, [4, 8]),
        ["filters combine"] = (new AuditQuery { User = "alice", Kind = "action.", Resource = "orders" }, [2, 3]),
        ["filters that exclude each other"] = (new AuditQuery { User = "bob", Decision = "allow" }, []),
    };

    [Fact]
    public async Task A_fresh_trail_is_empty_with_the_genesis_head()
    {
        await using var store = await OpenStoreAsync();

        var head = await store.Audit.ReadHeadAsync();
        Assert.Equal(0, head.Seq);
        Assert.Equal(new byte[AuditChainHead.HashLength], head.Hash);
        Assert.Equal((0L, 0L, 0L), (head.CheckpointId, head.CheckpointSeq, head.CheckpointTimeMicros));
        Assert.Empty(await ReadAllAsync(store));
        Assert.Empty(await ReadCheckpointsAsync(store));
        Assert.Equal((0L, 0L), await store.Audit.CountAsync());
    }

    [Fact]
    public async Task An_append_cancelled_mid_write_records_nothing_and_the_next_append_works()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(2));
        using var cancel = new CancellationTokenSource();
        var cancelled = new ChainSealer([.. FilterTrail[..3]]) { OnSeal = cancel.Cancel };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.Audit.AppendAsync(cancelled, cancel.Token).AsTask());
        Assert.Equal(0, cancelled.CommittedCalls);
        Assert.Equal(2, (await store.Audit.ReadHeadAsync()).Seq);

        // The writer is usable again (a broken connection kept after a cancel once failed every later append).
        await store.Audit.AppendAsync(ChainSealer.Of(1));
        var head = await store.Audit.ReadHeadAsync();
        Assert.Equal(3, head.Seq);
        AuditChain.AssertGapless(await ReadAllAsync(store), head);
    }

    [Fact]
    public async Task Batches_are_numbered_and_chained_from_the_head_read_in_their_transaction()
    {
        await using var store = await OpenStoreAsync();
        var first = new ChainSealer(FilterTrail[..3]);
        var second = new ChainSealer(FilterTrail[3..5]);

        await store.Audit.AppendAsync(first);
        await store.Audit.AppendAsync(second);

        Assert.Equal(AuditChainHead.Genesis.Seq, first.SealedOn!.Seq);
        Assert.Equal(AuditChainHead.Genesis.Hash, first.SealedOn.Hash);
        Assert.Equal(3, second.SealedOn!.Seq);
        Assert.Equal(first.Rows[^1].Hash, second.SealedOn.Hash);
        Assert.Equal((1, 1), (first.CommittedCalls, second.CommittedCalls));
        Assert.Equal((1, 1), (first.SealCalls, second.SealCalls));

        var rows = await ReadAllAsync(store);
        var expected = first.Rows.Concat(second.Rows).ToList();
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            AuditChain.AssertSameRow(expected[i], rows[i]);
        }

        var head = await store.Audit.ReadHeadAsync();
        AuditChain.AssertGapless(rows, head);
        Assert.Equal((0L, 0L, 0L), (head.CheckpointId, head.CheckpointSeq, head.CheckpointTimeMicros));
        Assert.Equal((5L, 5L), await store.Audit.CountAsync());
    }

    [Theory]
    [MemberData(nameof(FilterCases))]
    public async Task Each_filter_of_a_query_selects_exactly_its_events(string name)
    {
        var (query, expected) = FilterQueries[name];
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(new ChainSealer(FilterTrail[..4]));
        await store.Audit.AppendAsync(new ChainSealer(FilterTrail[4..]));

        var rows = await ReadAllAsync(store, query);

        Assert.Equal(expected, rows.Select(r => r.Seq));
        Assert.All(rows, r => Assert.Equal(FilterTrail[r.Seq - 1].Kind, r.Kind));
    }

    [Fact]
    public async Task Checkpoints_are_written_with_their_batch_and_move_the_head()
    {
        await using var store = await OpenStoreAsync();
        var signed = new ChainSealer(FilterTrail[..2]) { CheckpointKeyId = "key-a" };
        var unsigned = new ChainSealer(FilterTrail[2..4]);
        var signedAgain = new ChainSealer(FilterTrail[4..5]) { CheckpointKeyId = "key-b" };

        await store.Audit.AppendAsync(signed);
        var afterFirst = await store.Audit.ReadHeadAsync();
        Assert.Equal((2L, 1L, 2L, UnixMicros.From(FilterTrail[1].Time)), (afterFirst.Seq, afterFirst.CheckpointId, afterFirst.CheckpointSeq, afterFirst.CheckpointTimeMicros));

        await store.Audit.AppendAsync(unsigned);
        var afterSecond = await store.Audit.ReadHeadAsync();
        Assert.Equal((4L, 1L, 2L, afterFirst.CheckpointTimeMicros), (afterSecond.Seq, afterSecond.CheckpointId, afterSecond.CheckpointSeq, afterSecond.CheckpointTimeMicros));

        await store.Audit.AppendAsync(signedAgain);
        var afterThird = await store.Audit.ReadHeadAsync();
        Assert.Equal((5L, 2L, 5L), (afterThird.Seq, afterThird.CheckpointId, afterThird.CheckpointSeq));

        var checkpoints = await ReadCheckpointsAsync(store);
        Assert.Equal(2, checkpoints.Count);
        foreach (var (expected, actual) in new[] { signed.Checkpoint!, signedAgain.Checkpoint! }.Zip(checkpoints))
        {
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.Seq, actual.Seq);
            Assert.Equal(expected.HeadHash, actual.HeadHash);
            Assert.Equal(expected.TimeMicros, actual.TimeMicros);
            Assert.Equal(expected.KeyId, actual.KeyId);
            Assert.Equal(expected.Signature, actual.Signature);
        }

        var rows = await ReadAllAsync(store);
        Assert.Equal(rows[1].Hash, checkpoints[0].HeadHash);
        Assert.Equal(rows[4].Hash, checkpoints[1].HeadHash);
        AuditChain.AssertGapless(rows, afterThird);
    }

    [Fact]
    public async Task A_batch_of_only_a_checkpoint_writes_it_and_leaves_the_sequence_alone()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(3));
        var before = await store.Audit.ReadHeadAsync();

        var sealer = new ChainSealer { CheckpointKeyId = "key-a" };
        await store.Audit.AppendAsync(sealer);

        var head = await store.Audit.ReadHeadAsync();
        Assert.Equal(before.Seq, head.Seq);
        Assert.Equal(before.Hash, head.Hash);
        Assert.Equal((1L, 3L), (head.CheckpointId, head.CheckpointSeq));
        var checkpoint = Assert.Single(await ReadCheckpointsAsync(store));
        Assert.Equal(before.Hash, checkpoint.HeadHash);
        Assert.Equal((3L, 3L), await store.Audit.CountAsync());
    }

    [Fact]
    public async Task An_empty_batch_writes_nothing()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(2));
        var before = await store.Audit.ReadHeadAsync();

        var empty = new ChainSealer();
        await store.Audit.AppendAsync(empty);

        Assert.Equal(1, empty.SealCalls);
        var head = await store.Audit.ReadHeadAsync();
        Assert.Equal((before.Seq, before.CheckpointId, before.CheckpointSeq), (head.Seq, head.CheckpointId, head.CheckpointSeq));
        Assert.Equal(before.Hash, head.Hash);
        Assert.Equal((2L, 2L), await store.Audit.CountAsync());
        Assert.Empty(await ReadCheckpointsAsync(store));

        var next = ChainSealer.Of(1);
        await store.Audit.AppendAsync(next);
        Assert.Equal(3, next.Rows[0].Seq);
        AuditChain.AssertGapless(await ReadAllAsync(store), await store.Audit.ReadHeadAsync());
    }

    [Fact]
    public async Task A_sealer_that_throws_leaves_nothing_written_and_the_next_append_works()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(ChainSealer.Of(2));
        var before = await store.Audit.ReadHeadAsync();

        var failing = new ChainSealer(FilterTrail[..3]) { Failure = new InvalidOperationException("the signing key is gone") };
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => store.Audit.AppendAsync(failing).AsTask());

        Assert.Same(failing.Failure, ex);
        Assert.Equal(3, failing.Rows.Count); // it did hand rows over before it threw
        Assert.Equal(0, failing.CommittedCalls);
        var head = await store.Audit.ReadHeadAsync();
        Assert.Equal(before.Seq, head.Seq);
        Assert.Equal(before.Hash, head.Hash);
        Assert.Equal((2L, 2L), await store.Audit.CountAsync());

        var next = new ChainSealer(FilterTrail[..1]);
        await store.Audit.AppendAsync(next);
        Assert.Equal(3, next.Rows[0].Seq);
        Assert.Equal(1, next.CommittedCalls);
        AuditChain.AssertGapless(await ReadAllAsync(store), await store.Audit.ReadHeadAsync());
    }

    [Fact]
    public async Task A_batch_that_the_database_refuses_is_rolled_back_whole_and_the_next_append_works()
    {
        await using var store = await OpenStoreAsync();
        await store.Audit.AppendAsync(new ChainSealer(FilterTrail[..1]) { CheckpointKeyId = "key-a" });

        // Checkpoint ids are keys: a second checkpoint 1 is refused after the batch's rows were inserted.
        var conflicting = new ChainSealer(FilterTrail[1..4]) { CheckpointKeyId = "key-a", CheckpointId = 1 };
        var ex = await AssertStoreErrorAsync(StoreErrors.Conflict, () => store.Audit.AppendAsync(conflicting).AsTask());
        Assert.Contains(store.Description, ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, conflicting.CommittedCalls);

        Assert.Equal((1L, 1L), await store.Audit.CountAsync());
        Assert.Single(await ReadCheckpointsAsync(store));
        Assert.Equal(1, (await store.Audit.ReadHeadAsync()).Seq);

        var next = new ChainSealer(FilterTrail[1..3]) { CheckpointKeyId = "key-a" };
        await store.Audit.AppendAsync(next);
        Assert.Equal(2, next.SealedOn!.CheckpointId + 1);
        AuditChain.AssertGapless(await ReadAllAsync(store), await store.Audit.ReadHeadAsync());
        Assert.Equal([1L, 2L], (await ReadCheckpointsAsync(store)).Select(c => c.Id));
    }

    [Fact]
    public async Task Concurrent_appends_through_one_store_make_one_gapless_chain()
    {
        await using var store = await OpenStoreAsync();
        var sealers = Enumerable.Range(0, 120).Select(i => ChainSealer.Of((i % 3) + 1, $"test.n{i}")).ToList();

        await Task.WhenAll(sealers.Select(s => store.Audit.AppendAsync(s).AsTask()));

        var total = sealers.Sum(s => s.Rows.Count);
        var rows = await ReadAllAsync(store);
        Assert.Equal(total, rows.Count);
        AuditChain.AssertGapless(rows, await store.Audit.ReadHeadAsync());
        Assert.All(sealers, s => Assert.Equal(1, s.CommittedCalls));

        // Each batch is contiguous: no other batch was numbered inside it.
        foreach (var sealer in sealers)
        {
            var seqs = sealer.Rows.Select(r => r.Seq).ToList();
            Assert.Equal(Enumerable.Range((int)seqs[0], seqs.Count).Select(n => (long)n), seqs);
            Assert.All(sealer.Rows, r => Assert.Equal(r.Kind, rows[(int)r.Seq - 1].Kind));
        }

        Assert.Equal(((long)total, (long)total), await store.Audit.CountAsync());
    }

    [Fact]
    public async Task Two_store_instances_on_one_store_extend_one_chain()
    {
        await using var a = await OpenStoreAsync();
        await using var b = await ReopenStoreAsync();

        // Alternating: each instance must read the head the other one wrote, not a head it remembers.
        for (var i = 0; i < 6; i++)
        {
            var sealer = ChainSealer.Of(2);
            await (i % 2 == 0 ? a : b).Audit.AppendAsync(sealer);
            Assert.Equal((2 * i) + 1, sealer.Rows[0].Seq);
        }

        // And at once.
        var sealers = Enumerable.Range(0, 60).Select(_ => ChainSealer.Of(2)).ToList();
        await Task.WhenAll(sealers.Select((s, i) => (i % 2 == 0 ? a : b).Audit.AppendAsync(s).AsTask()));

        var rows = await ReadAllAsync(a);
        Assert.Equal(12 + 120, rows.Count);
        AuditChain.AssertGapless(rows, await b.Audit.ReadHeadAsync());
        Assert.Equal(await b.Audit.CountAsync(), await a.Audit.CountAsync());
    }

    [Theory]
    [InlineData(AuditDurability.Crash)]
    [InlineData(AuditDurability.Power)]
    public async Task Each_durability_mode_opens_appends_and_keeps_what_it_acknowledged(AuditDurability durability)
    {
        await using (var store = await OpenStoreAsync(durability))
        {
            Assert.Equal(durability, store.Durability);
            await store.Audit.AppendAsync(new ChainSealer(FilterTrail[..4]) { CheckpointKeyId = "key-a" });
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.Audit.AppendAsync(ChainSealer.Of(1)).AsTask()));
            await store.Sessions.StartAsync(new SessionRecord { Id = "s1", User = "alice", Resource = "orders", Instance = "gw", StartedAt = T0 });
        }

        await using var again = await ReopenStoreAsync(durability);
        Assert.Equal(durability, again.Durability);
        AuditChain.AssertGapless(await ReadAllAsync(again), await again.Audit.ReadHeadAsync());
        Assert.Equal((14L, 14L), await again.Audit.CountAsync());
        Assert.Single(await ReadCheckpointsAsync(again));
        Assert.NotNull(await again.Sessions.GetAsync("s1"));
    }
}
