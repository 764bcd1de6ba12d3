using System.Text.Json;
using Airlock.Audit;
using Airlock.Cli.Tests.Audit;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 15, class O, through the command line on a real SQLite store file: <c>audit verify</c> exits 1 (never 70) with
/// the stable id of the first bad place, <c>audit export</c> never writes a line that is not one canonical event, and
/// <c>audit checkpoint export</c> plus <c>--expect-checkpoint</c>/<c>--expect-seq</c> catch a clean truncation.
/// The store has 24 events signed every 10 (checkpoints at events 10, 20 and 24).
/// </summary>
public sealed class ClassO_VerifyCliTests : IAsyncLifetime
{
    private AuditTestStore _store = null!;

    /// <summary>A clock an hour after the trail was written, for the rule that a trail that old must have a checkpoint.</summary>
    private static TimeProvider AnHourLater => new FixedClock(DateTimeOffset.UtcNow.AddHours(1));

    public async Task InitializeAsync() => _store = await AuditTestStore.CreateAsync(events: 24, checkpointEvery: 10);

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public void An_untouched_trail_verifies_under_its_policy_and_its_exported_checkpoint()
    {
        var checkpoint = Path.Combine(_store.Directory, "checkpoint.json");
        var export = CliRunner.Run("audit", "checkpoint", "export", "--store", _store.Location, "--public-key", _store.PublicKeyPath, "--output", checkpoint);
        Assert.Equal(0, export.ExitCode);
        Assert.Contains("exported checkpoint 3 (event 24)", export.Error, StringComparison.Ordinal);
        Assert.Equal(24, CheckpointFile.Parse(File.ReadAllText(checkpoint)).Seq);

        var verify = Verify(AnHourLater, "--checkpoint-every-events", "10", "--expect-seq", "24", "--expect-checkpoint", checkpoint);
        Assert.Equal(0, verify.ExitCode);
        Assert.Matches("(?m)^OK$", verify.Out);
        Assert.Contains("checkpoint every 10 events or 10 s (+ 5 s grace)", verify.Out, StringComparison.Ordinal);
        Assert.Contains("expected:         at least event 24, checkpoint 3 at event 24", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void The_issue_attack_edit_recomputed_hashes_all_checkpoints_deleted_head_zeroed_exits_1_with_AL0732()
    {
        ClassOStoreEdits.RewriteBody(_store, 5, body => body.Replace("customers", "suppliers", StringComparison.Ordinal));
        ClassOStoreEdits.DeleteCheckpointsAfter(_store, 0);

        var result = Verify(AnHourLater);
        AssertTampered(result, AuditErrors.NoCheckpoint, 1);
        Assert.DoesNotContain("OK", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Later_checkpoints_deleted_with_the_head_made_to_match_exit_1_under_the_gateways_policy()
    {
        ClassOStoreEdits.RewriteBody(_store, 23, body => body.Replace("DELETE FROM invoices", "SELECT 1", StringComparison.Ordinal));
        ClassOStoreEdits.DeleteCheckpointsAfter(_store, 1);

        AssertTampered(Verify(AnHourLater, "--checkpoint-every-events", "10"), AuditErrors.TailTooLong, 20);
    }

    [Fact]
    public void A_NULL_body_exits_1_with_AL0738_not_70()
    {
        ClassOStoreEdits.DropEventConstraints(_store);
        ClassOStoreEdits.Execute(_store, "UPDATE audit_events SET body = NULL WHERE seq = 6");

        AssertTampered(Verify(AnHourLater), AuditErrors.MalformedRow, 6);
        var export = CliRunner.Run("audit", "export", "--store", _store.Location);
        Assert.Equal(1, export.ExitCode);
        Assert.Equal(23, Lines(export.Out).Length);
        Assert.Contains("event 6 is not one canonical event", export.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_data_forging_an_extra_export_line_is_caught_and_never_exported()
    {
        const string forged = "{\"v\":1,\"seq\":8,\"id\":\"00000000-0000-7000-8000-000000000000\",\"time\":\"2026-01-01T00:00:00.000000Z\",\"kind\":\"admin.action\",\"user\":\"mallory\"}";
        ClassOStoreEdits.RewriteBody(_store, 7, body => body + "\n" + forged);

        AssertTampered(Verify(AnHourLater), AuditErrors.NotCanonical, 7);
        var export = CliRunner.Run("audit", "export", "--store", _store.Location);
        Assert.Equal(1, export.ExitCode);
        Assert.DoesNotContain("mallory", export.Out, StringComparison.Ordinal);
        Assert.Contains("event 7 is not one canonical event", export.Error, StringComparison.Ordinal);
        Assert.Contains(AuditErrors.NotCanonical, export.Error, StringComparison.Ordinal);
        AssertEveryLineIsOneEvent(export.Out, 23);
    }

    [Fact]
    public void A_duplicate_key_is_caught_and_the_event_is_left_out_of_json_output()
    {
        ClassOStoreEdits.RewriteBody(_store, 5, body => body.Replace("\"user\":\"alice\",", "\"user\":\"alice\",\"user\":\"mallory\",", StringComparison.Ordinal));

        AssertTampered(Verify(AnHourLater), AuditErrors.NotCanonical, 5);
        var export = CliRunner.Run("audit", "export", "--store", _store.Location);
        Assert.Equal(1, export.ExitCode);
        Assert.DoesNotContain("mallory", export.Out, StringComparison.Ordinal);
        AssertEveryLineIsOneEvent(export.Out, 23);

        var search = CliRunner.Run("audit", "search", "--store", _store.Location, "--user", "alice", "--json");
        Assert.DoesNotContain("mallory", search.Out, StringComparison.Ordinal);
        Assert.Contains("event 5 is not one canonical event", search.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_head_hash_that_is_not_the_chain_exits_1_with_AL0736()
    {
        ClassOStoreEdits.Execute(_store, "UPDATE audit_head SET hash = zeroblob(32)");
        AssertTampered(Verify(AnHourLater), AuditErrors.HeadMismatch, 24);
    }

    [Fact]
    public void A_clean_truncation_passes_alone_and_exits_1_against_the_exported_checkpoint_or_the_expected_seq()
    {
        var checkpoint = Path.Combine(_store.Directory, "checkpoint.json");
        Assert.Equal(0, CliRunner.Run("audit", "checkpoint", "export", "--store", _store.Location, "--public-key", _store.PublicKeyPath, "-o", checkpoint).ExitCode);
        ClassOStoreEdits.TruncateAfter(_store, 20);
        ClassOStoreEdits.DeleteCheckpointsAfter(_store, 2);

        Assert.Equal(0, Verify(AnHourLater, "--checkpoint-every-events", "10").ExitCode);
        AssertTampered(Verify(AnHourLater, "--expect-checkpoint", checkpoint), AuditErrors.BehindExpected, 21);
        AssertTampered(Verify(AnHourLater, "--expect-seq", "24"), AuditErrors.BehindExpected, 21);

        var json = Verify(AnHourLater, "--expect-checkpoint", checkpoint, "--json");
        using var document = JsonDocument.Parse(json.Out);
        Assert.False(document.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(AuditErrors.BehindExpected, document.RootElement.GetProperty("problem").GetProperty("error_id").GetString());
    }

    [Fact]
    public void An_edited_checkpoint_file_is_refused_with_AL0741_and_exit_2()
    {
        var checkpoint = Path.Combine(_store.Directory, "checkpoint.json");
        Assert.Equal(0, CliRunner.Run("audit", "checkpoint", "export", "--store", _store.Location, "--public-key", _store.PublicKeyPath, "-o", checkpoint).ExitCode);
        File.WriteAllText(checkpoint, File.ReadAllText(checkpoint).Replace("\"seq\":24", "\"seq\":20", StringComparison.Ordinal));

        var result = Verify(AnHourLater, "--expect-checkpoint", checkpoint);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{AuditErrors.BadExpectedCheckpoint} at seq 20", result.Out, StringComparison.Ordinal);

        File.WriteAllText(checkpoint, "{\"format\":\"something else\"}");
        var unreadable = Verify(AnHourLater, "--expect-checkpoint", checkpoint);
        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains(AuditErrors.BadExpectedCheckpoint, unreadable.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_export_refuses_a_trail_that_does_not_verify()
    {
        ClassOStoreEdits.DeleteCheckpointsAfter(_store, 1);
        var export = CliRunner.Run(AnHourLater, "audit", "checkpoint", "export", "--store", _store.Location, "--public-key", _store.PublicKeyPath, "--checkpoint-every-events", "10");
        Assert.Equal(1, export.ExitCode);
        Assert.Equal(string.Empty, export.Out);
        Assert.Contains(AuditErrors.TailTooLong, export.Error, StringComparison.Ordinal);
    }

    private CliResult Verify(TimeProvider time, params string[] extra) =>
        CliRunner.Run(time, ["audit", "verify", "--store", _store.Location, "--public-key", _store.PublicKeyPath, .. extra]);

    private static void AssertTampered(CliResult result, string errorId, long seq)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"TAMPERED: {errorId} at seq {seq}:", result.Out, StringComparison.Ordinal);
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Every line is one JSON object: the stored canonical body with its hash, and nothing after it.</summary>
    private static void AssertEveryLineIsOneEvent(string output, int expected)
    {
        var lines = Lines(output);
        Assert.Equal(expected, lines.Length);
        foreach (var line in lines)
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(64, document.RootElement.GetProperty("hash").GetString()!.Length);
        }
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
