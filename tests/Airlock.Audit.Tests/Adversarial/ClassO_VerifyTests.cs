using System.Security.Cryptography;
using Airlock.Audit.Tests.Support;
using Airlock.Audit.Tests.Tamper;
using Airlock.Store;

namespace Airlock.Audit.Tests.Adversarial;

/// <summary>
/// Issue 15, class O: rewrites of the trail that verify once accepted (checkpoints deleted, the head row made to
/// match), and those only outside knowledge can show. Each runs on a SQLite file and on PostgreSQL.
/// </summary>
public abstract class ClassO_VerifyTests : ClassOTrail
{
    [Fact]
    public async Task An_untouched_trail_verifies_under_its_policy_and_against_its_own_exported_checkpoint()
    {
        var last = (await CheckpointsAsync())[^1];
        await AssertVerifiesAsync();
        await AssertVerifiesAsync(Policy with { ExpectSeq = Events, ExpectCheckpoint = last });
        await AssertVerifiesAsync(AuditVerifyOptions.Default);
    }

    [Fact]
    public async Task The_issue_attack_an_edit_with_hashes_recomputed_all_checkpoints_deleted_and_the_head_zeroed_is_caught()
    {
        await RewriteBodyAsync(5, body => body.Replace("customers", "suppliers", StringComparison.Ordinal));
        await DeleteCheckpointsAfterAsync(0);

        // Without a key nothing in the store can show it: the chain is whole. Verify says signatures were not checked.
        var unsigned = await VerifyAsync(withKey: false);
        Assert.True(unsigned.Ok, unsigned.Problem?.ToString());
        Assert.False(unsigned.SignaturesChecked);

        await AssertCaughtAsync(AuditErrors.NoCheckpoint, 1, AuditVerifyOptions.Default with { Time = AnHourLater }, "no checkpoint signs any of them");
    }

    [Fact]
    public async Task All_checkpoints_deleted_and_the_head_zeroed_without_any_edit_is_caught()
    {
        await DeleteCheckpointsAfterAsync(0);
        await AssertCaughtAsync(AuditErrors.NoCheckpoint, 1, Policy with { Time = AnHourLater });

        // While the trail is younger than interval + grace its first checkpoint may not be due yet: the count still shows it.
        await AssertCaughtAsync(AuditErrors.TailTooLong, 10);
    }

    [Fact]
    public async Task Early_checkpoints_kept_and_later_ones_deleted_leave_a_tail_longer_than_the_policy()
    {
        await RewriteBodyAsync(25, body => body.Replace("alice", "mallory", StringComparison.Ordinal).Replace("\"s1\"", "\"s9\"", StringComparison.Ordinal));
        await Harness.ExecuteAsync("UPDATE audit_events SET user_name = 'mallory', session_id = 's9' WHERE seq = 25");
        await DeleteCheckpointsAfterAsync(2);

        await AssertCaughtAsync(AuditErrors.TailTooLong, 30, messagePart: "20 events after the last checkpoint (event 20) are unsigned");
    }

    [Fact]
    public async Task Only_the_last_checkpoint_deleted_with_the_head_made_to_match_is_caught_when_it_was_due_by_count()
    {
        await DeleteCheckpointsAfterAsync(3);
        await AssertCaughtAsync(AuditErrors.TailTooLong, 40);
    }

    [Fact]
    public async Task A_head_row_whose_hash_is_not_the_chain_is_caught()
    {
        await Harness.ExecuteAsync("UPDATE audit_head SET hash = @hash", ("@hash", RandomNumberGenerator.GetBytes(32)));
        await AssertCaughtAsync(AuditErrors.HeadMismatch, Events);
    }

    [Fact]
    public async Task A_head_row_whose_checkpoint_fields_were_zeroed_while_checkpoints_remain_is_caught()
    {
        await Harness.ExecuteAsync("UPDATE audit_head SET checkpoint_id = 0, checkpoint_seq = 0, checkpoint_time = 0");
        await AssertCaughtAsync(AuditErrors.HeadMismatch, 10);
    }

    [Fact]
    public async Task A_head_row_naming_the_last_checkpoint_with_another_event_is_caught()
    {
        await Harness.ExecuteAsync("UPDATE audit_head SET checkpoint_seq = 39");
        await AssertCaughtAsync(AuditErrors.HeadMismatch, 40);
    }

    [Fact]
    public async Task Checkpoints_that_go_back_in_time_are_caught_even_when_signed_with_the_real_key()
    {
        // Only the key holder can sign: this is a replayed or mis-dated checkpoint, not one the writer makes.
        var checkpoints = await CheckpointsAsync();
        var rows = await TamperKit.ReadAllAsync(Harness);
        var backdated = Key.SignCheckpoint(3, 30, rows[29].Hash, checkpoints[1].TimeMicros - 1_000_000);
        await Harness.ExecuteAsync(
            "UPDATE audit_checkpoints SET time = @time, signature = @sig WHERE id = 3", ("@time", backdated.TimeMicros), ("@sig", backdated.Signature));
        await AssertCaughtAsync(AuditErrors.CheckpointOutOfOrder, 30, messagePart: "only move forward in time");
    }

    [Fact]
    public async Task A_checkpoint_that_does_not_advance_in_sequence_is_caught()
    {
        var checkpoints = await CheckpointsAsync();
        var rows = await TamperKit.ReadAllAsync(Harness);
        var repeated = Key.SignCheckpoint(3, 20, rows[19].Hash, checkpoints[2].TimeMicros);
        await Harness.ExecuteAsync(
            "UPDATE audit_checkpoints SET seq = 20, head_hash = @hash, signature = @sig WHERE id = 3", ("@hash", repeated.HeadHash), ("@sig", repeated.Signature));
        await AssertCaughtAsync(AuditErrors.CheckpointOutOfOrder, 20, messagePart: "checkpoints only move forward");
    }

    [Fact]
    public async Task A_clean_truncation_at_a_checkpoint_passes_alone_and_is_caught_with_the_expected_seq_or_an_exported_checkpoint()
    {
        var exported = (await CheckpointsAsync())[^1];
        await TruncateAfterAsync(20);
        await DeleteCheckpointsAfterAsync(2);

        // What the store alone cannot show (docs/audit.md, "What verify proves").
        await AssertVerifiesAsync();
        await AssertCaughtAsync(AuditErrors.BehindExpected, 21, Policy with { ExpectSeq = Events }, "expected to reach at least event 40");
        await AssertCaughtAsync(AuditErrors.BehindExpected, 21, Policy with { ExpectCheckpoint = exported }, "behind the exported checkpoint 4");
    }

    [Fact]
    public async Task A_truncation_inside_the_tail_with_later_checkpoints_deleted_is_caught_by_an_exported_checkpoint()
    {
        var exported = (await CheckpointsAsync())[2];
        await TruncateAfterAsync(25);
        await DeleteCheckpointsAfterAsync(2);
        await AssertCaughtAsync(AuditErrors.BehindExpected, 26, Policy with { ExpectCheckpoint = exported });
    }

    [Fact]
    public async Task An_exported_checkpoint_of_another_trail_signed_with_the_same_key_is_caught()
    {
        await using var other = new SqliteHarness();
        await using (var store = await other.OpenAsync())
        {
            await SampleTrail.WriteAsync(store, Key, 30, checkpointEvery: 10);
        }

        await using var otherStore = await other.OpenAsync(readOnly: true);
        AuditCheckpointRow? foreign = null;
        await foreach (var row in otherStore.Audit.ReadCheckpointsAsync())
        {
            foreign = row;
        }

        await AssertCaughtAsync(AuditErrors.ExpectedMismatch, 30, Policy with { ExpectCheckpoint = foreign });
    }

    [Fact]
    public async Task An_exported_checkpoint_that_was_edited_is_refused_as_unusable()
    {
        var exported = (await CheckpointsAsync())[^1];
        var edited = CheckpointFile.Parse(CheckpointFile.Write(exported).Replace("\"seq\":40", "\"seq\":30", StringComparison.Ordinal));
        await AssertCaughtAsync(AuditErrors.BadExpectedCheckpoint, options: Policy with { ExpectCheckpoint = edited });

        // Without a key an expected checkpoint cannot be trusted either.
        await using var store = await Harness.OpenAsync(readOnly: true);
        var keyless = await AuditVerifier.VerifyAsync(store.Audit, [], Policy with { ExpectCheckpoint = exported });
        Assert.Equal(AuditErrors.BadExpectedCheckpoint, keyless.Problem?.ErrorId);
    }

    [Fact]
    public async Task More_unsigned_events_than_the_policy_allows_are_caught_even_when_appended_through_the_api()
    {
        await using (var store = await Harness.OpenAsync())
        await using (var unsigned = new AuditTrail(store, signingKey: null))
        {
            for (var i = 1; i <= 12; i++)
            {
                await unsigned.AppendAsync(SampleTrail.Event(i));
            }
        }

        await AssertCaughtAsync(AuditErrors.TailTooLong, 50);
        await AssertVerifiesAsync(AuditVerifyOptions.Default);
    }
}

public sealed class ClassO_VerifySqliteTests : ClassO_VerifyTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteHarness());
}

public sealed class ClassO_VerifyPostgresTests(Airlock.TestSupport.PostgresClusterFixture cluster) : ClassO_VerifyTests, IClassFixture<Airlock.TestSupport.PostgresClusterFixture>
{
    protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(cluster.Cluster);
}
