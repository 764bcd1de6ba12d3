using System.Security.Cryptography;
using Airlock.Audit.Tests.Support;
using Airlock.Store;

namespace Airlock.Audit.Tests.Tamper;

/// <summary>
/// Every kind of tampering, done directly in the database (as someone with database access would), must
/// be caught by verify, with the right error id at the right place. Runs on each store.
/// </summary>
public abstract class TamperTests : IAsyncLifetime
{
    private const int Events = 40;
    private readonly AuditSigningKey _key = AuditSigningKey.Generate();
    private StoreHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await CreateHarnessAsync();
        await using var store = await _harness.OpenAsync();
        await SampleTrail.WriteAsync(store, _key, Events, checkpointEvery: 10);
    }

    public async Task DisposeAsync()
    {
        await _harness.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task An_untouched_trail_verifies_with_every_event_signed()
    {
        var result = await VerifyAsync();
        Assert.True(result.Ok, result.Problem?.ToString());
        Assert.Equal(Events, result.EventsChecked);
        Assert.Equal(Events, result.LastSignedSeq);
        Assert.Equal([10, 20, 30, 40], await TamperKit.CheckpointSeqsAsync(_harness));
        Assert.True(result.SignaturesChecked);
    }

    [Theory]
    [InlineData(5, "alice", "mallory")] // user
    [InlineData(5, "customers", "suppliers")] // statement text
    [InlineData(5, "orders-prod", "orders-dev")] // resource
    [InlineData(5, "engineers", "admins")] // groups
    [InlineData(5, "\"mfa\":true", "\"mfa\":false")] // MFA
    [InlineData(6, "no-ddl-in-prod", "no-ddl-in-dev")] // rule
    [InlineData(6, "\"deny\"", "\"allow\"")] // decision
    [InlineData(8, "\"rows\":42", "\"rows\":1")] // rows returned
    [InlineData(8, "\"email\":3", "\"email\":0")] // masked counts
    [InlineData(8, "\"ok\"", "\"error\"")] // outcome
    [InlineData(7, "session.start", "session.end")] // kind
    [InlineData(5, "\"time\":\"20", "\"time\":\"19")] // time
    public async Task An_edit_of_any_field_is_caught_at_that_event(long seq, string from, string to)
    {
        var changed = await _harness.ExecuteAsync($"UPDATE audit_events SET body = {_harness.ReplaceInBody(from, to)} WHERE seq = {seq}");
        Assert.Equal(1, changed);
        var rows = await TamperKit.ReadAllAsync(_harness);
        Assert.Contains(to, rows.Single(r => r.Seq == seq).BodyText, StringComparison.Ordinal);

        await AssertCaughtAsync(AuditErrors.HashMismatch, seq);
    }

    [Theory]
    [InlineData("user_name", "'mallory'")]
    [InlineData("resource", "'orders-dev'")]
    [InlineData("kind", "'session.end'")]
    [InlineData("decision", "'deny'")]
    [InlineData("session_id", "'s9'")]
    [InlineData("time", "0")]
    public async Task An_edit_of_a_search_column_is_caught(string column, string value)
    {
        await _harness.ExecuteAsync($"UPDATE audit_events SET {column} = {value} WHERE seq = 5");
        await AssertCaughtAsync(AuditErrors.ColumnMismatch, 5, column);
    }

    [Fact]
    public async Task An_edit_with_every_later_hash_recomputed_is_caught_by_the_next_checkpoint()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        rows[4] = rows[4].WithBody(rows[4].BodyText.Replace("alice", "mallory", StringComparison.Ordinal)) with { User = "mallory" };
        await TamperKit.RewriteAsync(_harness, rows);

        await AssertCaughtAsync(AuditErrors.CheckpointMismatch, 10);
    }

    [Fact]
    public async Task A_deleted_event_is_caught()
    {
        await _harness.ExecuteAsync("DELETE FROM audit_events WHERE seq = 7");
        await AssertCaughtAsync(AuditErrors.MissingEvents, 7);
    }

    [Fact]
    public async Task A_deleted_event_with_the_rest_renumbered_and_rehashed_is_caught()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        rows.RemoveAt(6);
        var renumbered = rows.Select((r, i) => r.Renumbered(i + 1)).ToList();
        await TamperKit.RewriteAsync(_harness, renumbered);

        await AssertCaughtAsync(AuditErrors.CheckpointMismatch, 10);
    }

    [Fact]
    public async Task An_inserted_event_is_caught()
    {
        // The forged event is chained correctly from event 6; the events after it move up by one.
        var rows = await TamperKit.ReadAllAsync(_harness);
        using var chain = new AuditChain();
        var forgedBody = rows[6].BodyText.Replace("carol", "mallory", StringComparison.Ordinal);
        var forged = rows[6].WithBody(forgedBody) with { User = "mallory" };
        forged = forged with { Hash = chain.Next(rows[5].Hash, forged.Body) };
        await _harness.ExecuteAsync("DELETE FROM audit_events WHERE seq >= 7");
        var shifted = rows.Skip(6).Select(r => r with { Seq = r.Seq + 1 }).Prepend(forged).ToList();
        await InsertRawAsync(shifted);

        await AssertCaughtAsync(AuditErrors.OutOfOrder, 8);
    }

    [Fact]
    public async Task An_inserted_event_with_everything_renumbered_and_rehashed_is_caught()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        rows.Insert(6, rows[6].WithBody(rows[6].BodyText.Replace("carol", "mallory", StringComparison.Ordinal)) with { User = "mallory" });
        await TamperKit.RewriteAsync(_harness, [.. rows.Select((r, i) => r.Renumbered(i + 1))]);

        await AssertCaughtAsync(AuditErrors.CheckpointMismatch, 10);
    }

    [Fact]
    public async Task A_reordering_is_caught()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        await _harness.ExecuteAsync("DELETE FROM audit_events WHERE seq IN (5, 6)");
        await InsertRawAsync([rows[5] with { Seq = 5 }, rows[4] with { Seq = 6 }]);

        await AssertCaughtAsync(AuditErrors.OutOfOrder, 5);
    }

    [Fact]
    public async Task A_reordering_with_renumbered_bodies_and_recomputed_hashes_is_caught()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        (rows[4], rows[5]) = (rows[5].Renumbered(5), rows[4].Renumbered(6));
        await TamperKit.RewriteAsync(_harness, rows);

        await AssertCaughtAsync(AuditErrors.CheckpointMismatch, 10);
    }

    [Fact]
    public async Task Truncation_back_past_the_last_checkpoint_is_caught_even_with_the_head_row_fixed()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        await _harness.ExecuteAsync("DELETE FROM audit_events WHERE seq > 15");
        await _harness.ExecuteAsync("UPDATE audit_head SET seq = 15, hash = @hash", ("@hash", rows[14].Hash));

        await AssertCaughtAsync(AuditErrors.Truncated, 16);
    }

    [Fact]
    public async Task Truncation_of_the_unsigned_tail_is_caught_by_the_head_row()
    {
        await using (var store = await _harness.OpenAsync())
        await using (var unsigned = new AuditTrail(store, signingKey: null))
        {
            for (var i = 0; i < 5; i++)
            {
                await unsigned.AppendAsync(SampleTrail.Event(i + 1));
            }
        }

        await _harness.ExecuteAsync("DELETE FROM audit_events WHERE seq > 42");
        await AssertCaughtAsync(AuditErrors.Truncated, 43);
    }

    [Fact]
    public async Task A_forged_checkpoint_signature_is_caught()
    {
        await _harness.ExecuteAsync("UPDATE audit_checkpoints SET signature = @sig WHERE id = 2", ("@sig", RandomNumberGenerator.GetBytes(64)));
        await AssertCaughtAsync(AuditErrors.BadSignature, 20);
    }

    [Fact]
    public async Task A_rewrite_resigned_with_another_key_under_the_real_key_id_is_caught()
    {
        using var attacker = AuditSigningKey.Generate();
        var rows = await TamperKit.ReadAllAsync(_harness);
        rows[4] = rows[4].WithBody(rows[4].BodyText.Replace("alice", "mallory", StringComparison.Ordinal)) with { User = "mallory" };
        await TamperKit.RewriteAsync(_harness, rows, resignWith: attacker, claimedKeyId: _key.KeyId);

        await AssertCaughtAsync(AuditErrors.BadSignature, 10);
    }

    [Fact]
    public async Task A_rewrite_resigned_with_the_attackers_own_key_is_caught()
    {
        using var attacker = AuditSigningKey.Generate();
        var rows = await TamperKit.ReadAllAsync(_harness);
        rows[4] = rows[4].WithBody(rows[4].BodyText.Replace("alice", "mallory", StringComparison.Ordinal)) with { User = "mallory" };
        await TamperKit.RewriteAsync(_harness, rows, resignWith: attacker);

        await AssertCaughtAsync(AuditErrors.UnknownKey, 10);
    }

    [Fact]
    public async Task A_checkpoint_moved_to_another_head_is_caught()
    {
        var rows = await TamperKit.ReadAllAsync(_harness);
        await _harness.ExecuteAsync("UPDATE audit_checkpoints SET head_hash = @hash WHERE id = 3", ("@hash", rows[0].Hash));
        await AssertCaughtAsync(AuditErrors.CheckpointMismatch, 30);
    }

    [Fact]
    public async Task A_deleted_checkpoint_is_caught()
    {
        await _harness.ExecuteAsync("DELETE FROM audit_checkpoints WHERE id = 2");
        var result = await VerifyAsync();
        Assert.False(result.Ok);
        Assert.Equal(AuditErrors.MissingCheckpoint, result.Problem!.ErrorId);
        Assert.Contains("checkpoint 2 is missing", result.Problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_last_checkpoint_is_caught_by_the_head_row()
    {
        await _harness.ExecuteAsync("DELETE FROM audit_checkpoints WHERE id = 4");
        await AssertCaughtAsync(AuditErrors.MissingCheckpoint, 40, "checkpoints were deleted from the end");
    }

    [Fact]
    public async Task A_deleted_head_row_is_caught()
    {
        await _harness.ExecuteAsync("DELETE FROM audit_head");
        await AssertCaughtAsync(AuditErrors.HeadMissing, Events);
    }

    [Fact]
    public async Task The_same_public_key_given_twice_is_one_key()
    {
        await using var store = await _harness.OpenAsync(readOnly: true);
        var result = await AuditVerifier.VerifyAsync(store.Audit, [_key.PublicKey, AuditVerifyingKey.FromPem(_key.ExportPublicKeyPem(), "copy")]);
        Assert.True(result.Ok, result.Problem?.ToString());
    }

    [Fact]
    public async Task Appends_after_verify_continue_the_same_chain()
    {
        await using (var store = await _harness.OpenAsync())
        {
            await SampleTrail.WriteAsync(store, _key, 15, checkpointEvery: 10);
        }

        var result = await VerifyAsync();
        Assert.True(result.Ok, result.Problem?.ToString());
        Assert.Equal(Events + 15, result.LastSeq);
    }

    protected abstract Task<StoreHarness> CreateHarnessAsync();

    private async Task<AuditVerification> VerifyAsync()
    {
        await using var store = await _harness.OpenAsync(readOnly: true);
        return await AuditVerifier.VerifyAsync(store.Audit, [_key.PublicKey]);
    }

    private async Task AssertCaughtAsync(string errorId, long seq, string? messagePart = null)
    {
        var result = await VerifyAsync();
        Assert.False(result.Ok, "the tampering was not detected");
        Assert.Equal(errorId, result.Problem!.ErrorId);
        Assert.Equal(seq, result.Problem.Seq);
        if (messagePart is not null)
        {
            Assert.Contains(messagePart, result.Problem.Message, StringComparison.Ordinal);
        }
    }

    private async Task InsertRawAsync(IEnumerable<TamperKit.Row> rows)
    {
        foreach (var r in rows)
        {
            await _harness.ExecuteAsync(
                "INSERT INTO audit_events (seq, time, kind, user_name, resource, decision, session_id, body, hash) VALUES (@seq, @time, @kind, @user, @resource, @decision, @session, @body, @hash)",
                ("@seq", r.Seq), ("@time", r.Time), ("@kind", r.Kind), ("@user", (object?)r.User ?? DBNull.Value), ("@resource", (object?)r.Resource ?? DBNull.Value),
                ("@decision", (object?)r.Decision ?? DBNull.Value), ("@session", (object?)r.Session ?? DBNull.Value), ("@body", r.Body), ("@hash", r.Hash));
        }
    }
}

public sealed class SqliteTamperTests : TamperTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteHarness());
}

public sealed class PostgresTamperTests(Airlock.TestSupport.PostgresClusterFixture cluster) : TamperTests, IClassFixture<Airlock.TestSupport.PostgresClusterFixture>
{
    protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(cluster.Cluster);
}
