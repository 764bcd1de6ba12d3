using System.Text.RegularExpressions;
using Airlock.Audit;
using Airlock.Pipeline;
using Npgsql;

namespace Airlock.Postgres.Tests.Approvals;

/// <summary>
/// Action approval through the gateway in both protocols: Npgsql's extended protocol (the approval binds to
/// the parameter values given at Bind) and psql's simple protocol, in a read-write session.
/// </summary>
public sealed partial class ApprovalTests(ApprovalGatewayHarness gateway) : IClassFixture<ApprovalGatewayHarness>
{
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);

    [Fact]
    public async Task A_prepared_delete_is_held_until_approved_for_exactly_its_parameter_values()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();

        var held = await Assert.ThrowsAsync<PostgresException>(() => DeleteOrderAsync(connection, 2001));
        Assert.Equal("42501", held.SqlState);
        Assert.Contains(ApprovalGatewayHarness.ReviewRule, held.MessageText, StringComparison.Ordinal);
        var id = RequestId().Match(held.MessageText).Value;
        Assert.Contains("airlock reviews approve " + id, held.Hint, StringComparison.Ordinal);

        // The session is still usable, and reads still run.
        Assert.Equal(1L, await CountAsync(connection, 2001));

        var request = await gateway.Approvals.GetAsync(id, default);
        Assert.Contains("DELETE FROM orders WHERE id = $1", request!.Value.Request.ActionSummary, StringComparison.Ordinal);
        Assert.Contains("$1 = ", request.Value.Request.ActionSummary, StringComparison.Ordinal);
        await gateway.Approvals.ApproveAsync(id, Bob, "ok", default);

        // Another parameter value is another action; the approved one runs once.
        await Assert.ThrowsAsync<PostgresException>(() => DeleteOrderAsync(connection, 2002));
        Assert.Equal(1, await DeleteOrderAsync(connection, 2001));
        Assert.Equal(0L, await CountAsync(connection, 2001));
        var again = await Assert.ThrowsAsync<PostgresException>(() => DeleteOrderAsync(connection, 2001));
        Assert.NotEqual(id, RequestId().Match(again.MessageText).Value);

        // The run's intent names the approval it used.
        var events = await gateway.AuditEventsAsync();
        Assert.Contains(events, e => e.Event.Kind == AuditEventKinds.ActionIntent && e.Event.Detail?.GetValueOrDefault("approval_id") == id);
        Assert.Contains(events, e => e.Event.Kind == AuditEventKinds.ApprovalUsed && e.Event.Detail?.GetValueOrDefault("approval_id") == id);
    }

    [Fact]
    public async Task A_simple_query_in_a_read_write_session_runs_once_after_approval_without_any_switch()
    {
        var held = await gateway.PsqlAsync("UPDATE orders SET status = 'void' WHERE id = 2003");
        Assert.NotEqual(0, held.ExitCode);
        var id = RequestId().Match(held.StandardError).Value;
        Assert.StartsWith("apr_", id, StringComparison.Ordinal);
        await gateway.Approvals.ApproveAsync(id, Bob, null, default);

        var run = await gateway.PsqlAsync("UPDATE orders SET status = 'void' WHERE id = 2003");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("UPDATE 1", run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_no_rule_holds_run_at_once()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE customers SET full_name = full_name WHERE id = 1", connection);
        Assert.Equal(1, await update.ExecuteNonQueryAsync());
    }

    private static async Task<int> DeleteOrderAsync(NpgsqlConnection connection, long id)
    {
        await using var delete = new NpgsqlCommand("DELETE FROM orders WHERE id = $1", connection);
        delete.Parameters.Add(new NpgsqlParameter { Value = id });
        return await delete.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, long id)
    {
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orders WHERE id = $1", connection);
        count.Parameters.Add(new NpgsqlParameter { Value = id });
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [GeneratedRegex("apr_[0-9a-f]{20}")]
    private static partial Regex RequestId();
}
