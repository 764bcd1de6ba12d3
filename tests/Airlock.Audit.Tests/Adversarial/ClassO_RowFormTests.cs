using System.Text;
using Airlock.Audit.Tests.Support;
using Airlock.Store;

namespace Airlock.Audit.Tests.Adversarial;

/// <summary>
/// Issue 15, class O: rows the writer never makes. Malformed rows (NULLs, wrong types) are tampering, never a crash;
/// a body that parses but is not its canonical form (trailing data, duplicate keys, other escapes or numbers) is
/// refused even with every hash recomputed. Each runs on a SQLite file and on PostgreSQL.
/// </summary>
public abstract class ClassO_RowFormTests : ClassOTrail
{
    [Theory]
    [InlineData("audit_events", "body", "UPDATE audit_events SET body = NULL WHERE seq = 7", 7)]
    [InlineData("audit_events", "hash", "UPDATE audit_events SET hash = NULL WHERE seq = 7", 7)]
    [InlineData("audit_events", "time", "UPDATE audit_events SET time = NULL WHERE seq = 7", 7)]
    [InlineData("audit_events", "kind", "UPDATE audit_events SET kind = NULL WHERE seq = 7", 7)]
    [InlineData("audit_checkpoints", "signature", "UPDATE audit_checkpoints SET signature = NULL WHERE id = 2", 10)]
    [InlineData("audit_checkpoints", "key_id", "UPDATE audit_checkpoints SET key_id = NULL WHERE id = 1", 0)]
    [InlineData("audit_head", "hash", "UPDATE audit_head SET hash = NULL", 0)]
    [InlineData("audit_head", "checkpoint_id", "UPDATE audit_head SET checkpoint_id = NULL", 0)]
    public async Task A_NULL_in_any_column_is_tampering_at_that_row_never_a_crash(string table, string column, string update, long seq)
    {
        await AllowNullAsync(table, column);
        Assert.Equal(1, await Harness.ExecuteAsync(update));
        var problem = await AssertCaughtAsync(AuditErrors.MalformedRow, seq);
        Assert.Contains($"the {column} column is NULL", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("audit_events", "time", "UPDATE audit_events SET time = 'yesterday' WHERE seq = 12", 12, 1)]
    [InlineData("audit_events", "body", "UPDATE audit_events SET body = 'SELECT 1' WHERE seq = 12", 12, 1)]
    [InlineData("audit_checkpoints", "time", "UPDATE audit_checkpoints SET time = 'noon' WHERE id = 3", 20, 0)]
    public async Task A_value_of_the_wrong_type_is_tampering_never_a_crash(string table, string column, string update, long seq, long firstRowSeq)
    {
        // SQLite keeps a text value in an integer or blob column for that one row; PostgreSQL needs the column's type
        // changed, which turns every row's value to text, so the first row is already wrong.
        await AllowTextAsync(table, column);
        Assert.Equal(1, await Harness.ExecuteAsync(update));
        var problem = await AssertCaughtAsync(AuditErrors.MalformedRow, IsSqlite ? seq : firstRowSeq);
        Assert.Contains($"the {column} column", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trailing_data_after_the_events_object_is_caught_with_every_hash_recomputed()
    {
        // The forged second object would become an extra line of `audit export`.
        await RewriteBodyAsync(9, body => body + "\n{\"v\":1,\"seq\":9,\"kind\":\"admin.action\",\"user\":\"mallory\"}");
        await AssertCaughtAsync(AuditErrors.NotCanonical, 9, messagePart: "follow the event's JSON object");
    }

    [Fact]
    public async Task Trailing_whitespace_is_caught()
    {
        await RewriteBodyAsync(9, body => body + " ");
        await AssertCaughtAsync(AuditErrors.NotCanonical, 9);
    }

    [Theory]
    [InlineData("\"user\":\"alice\",", "\"user\":\"alice\",\"user\":\"mallory\",")] // a second user: which one is true?
    [InlineData("\"decision\":\"allow\",", "\"decision\":\"allow\",\"decision\":\"deny\",")]
    [InlineData("\"kind\":\"action.intent\",", "\"kind\":\"action.intent\",\"kind\":\"session.start\",")]
    public async Task A_duplicate_key_is_caught(string from, string to)
    {
        await RewriteBodyAsync(13, body => body.Replace(from, to, StringComparison.Ordinal));
        await AssertCaughtAsync(AuditErrors.NotCanonical, 13, messagePart: "appears twice");
    }

    [Fact]
    public async Task A_duplicate_key_inside_masked_counts_is_caught()
    {
        await RewriteBodyAsync(16, body => body.Replace("\"email\":3", "\"email\":3,\"email\":0", StringComparison.Ordinal));
        await AssertCaughtAsync(AuditErrors.NotCanonical, 16, messagePart: "appears twice in \"masked\"");
    }

    [Theory]
    [InlineData(13, "\"user\":\"alice\"", "\"user\":\"\\u0061lice\"")] // another escape of the same text
    [InlineData(13, "\"user\":\"alice\"", "\"us\\u0065r\":\"alice\"")] // an escaped key
    [InlineData(16, "\"rows\":42", "\"rows\":42.0")] // another number form
    [InlineData(16, "\"rows\":42", "\"rows\":4.2e1")]
    [InlineData(16, "\"duration_us\":1234", "\"duration_us\": 1234")] // whitespace
    [InlineData(13, "\"v\":1,\"seq\":13,", "\"seq\":13,\"v\":1,")] // another field order
    [InlineData(13, "\"mfa\":true,", "\"mfa\":true,\"admin\":true,")] // a field no event has
    [InlineData(13, "\"mfa\":true,", "\"mfa\":true,\"rows\":null,")] // a null field
    [InlineData(16, "\"masked\":{\"card\":1,\"email\":3}", "\"masked\":{\"email\":3,\"card\":1}")] // unsorted map keys
    public async Task A_body_that_is_not_its_canonical_form_is_caught(long seq, string from, string to)
    {
        await RewriteBodyAsync(seq, body => body.Replace(from, to, StringComparison.Ordinal));
        await AssertCaughtAsync(AuditErrors.NotCanonical, seq);
    }

    [Fact]
    public async Task Truncated_JSON_is_unreadable_with_every_hash_recomputed()
    {
        await RewriteBodyAsync(21, body => body[..(body.Length / 2)]);
        await AssertCaughtAsync(AuditErrors.UnreadableEvent, 21);
    }

    [Fact]
    public async Task Invalid_UTF8_in_a_body_is_unreadable()
    {
        var rows = await Tamper.TamperKit.ReadAllAsync(Harness);
        var body = rows[20].BodyText.Replace("alice", "al\u0001ce", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(body);
        bytes[Array.IndexOf(bytes, (byte)1)] = 0xFF; // not UTF-8 anywhere
        await RewriteBodyAsync(21, bytes);
        await AssertCaughtAsync(AuditErrors.UnreadableEvent, 21);
    }

    [Theory]
    [InlineData("\"seq\":21,", "\"seq\":\"21\",")] // a string for a number
    [InlineData("\"kind\":\"action.intent\"", "\"kind\":7")] // a number for a string
    [InlineData("{\"v\":1,", "[{\"v\":1,")] // not an object
    public async Task A_field_of_the_wrong_JSON_type_is_unreadable(string from, string to)
    {
        await RewriteBodyAsync(21, body => body.Replace(from, to, StringComparison.Ordinal));
        await AssertCaughtAsync(AuditErrors.UnreadableEvent, 21);
    }
}

public sealed class ClassO_RowFormSqliteTests : ClassO_RowFormTests
{
    protected override Task<StoreHarness> CreateHarnessAsync() => Task.FromResult<StoreHarness>(new SqliteHarness());
}

public sealed class ClassO_RowFormPostgresTests(Airlock.TestSupport.PostgresClusterFixture cluster) : ClassO_RowFormTests, IClassFixture<Airlock.TestSupport.PostgresClusterFixture>
{
    protected override async Task<StoreHarness> CreateHarnessAsync() => await PostgresHarness.CreateAsync(cluster.Cluster);
}
