using System.Diagnostics;
using Airlock.Pipeline;
using Airlock.Store;
using Npgsql;

namespace Airlock.Postgres.Tests.Approvals;

/// <summary>
/// A rule with <c>wait: 30s</c>: the native client's held statement waits for the decision instead of
/// failing, told so by a notice, and then runs (approved), fails with the denial's reason, or stops when
/// the client cancels (CancelRequest).
/// </summary>
public sealed class WaitForApprovalTests(ApprovalGatewayHarness gateway) : IClassFixture<ApprovalGatewayHarness>, IAsyncLifetime
{
    private static readonly GatewayUser Bob = new("bob", [], Mfa: false);

    public async Task InitializeAsync() => await gateway.Cluster.RunPsqlAsync("demo", "CREATE TABLE IF NOT EXISTS refunds (id int, note text)");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Psql_waits_for_the_approver_and_then_runs()
    {
        var psql = gateway.PsqlAsync("INSERT INTO refunds VALUES (1, 'double charge')");
        var request = await PendingRequestAsync("INSERT INTO refunds VALUES (1, 'double charge')");
        await gateway.Approvals.ApproveAsync(request.Id, Bob, "ok", default);

        var result = await psql;
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("INSERT 0 1", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("AL0922: waiting up to 00:00:30 for an approver of request " + request.Id, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_denial_ends_the_wait_with_its_reason()
    {
        var psql = gateway.PsqlAsync("INSERT INTO refunds VALUES (2, 'again')");
        var request = await PendingRequestAsync("INSERT INTO refunds VALUES (2, 'again')");
        await gateway.Approvals.DenyAsync(request.Id, Bob, "already refunded", default);

        var result = await psql;
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AL0918: request " + request.Id + " was denied by bob: already refunded", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_client_can_cancel_the_wait()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand("INSERT INTO refunds VALUES ($1, 'cancel me')", connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = 3 });
        using var cancel = new CancellationTokenSource();
        var started = Stopwatch.StartNew();
        var running = insert.ExecuteNonQueryAsync(cancel.Token);
        await PendingRequestAsync("INSERT INTO refunds VALUES ($1, 'cancel me')");
        await cancel.CancelAsync();

#pragma warning disable VSTHRD003 // The command was started by this test, just above.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => running);
#pragma warning restore VSTHRD003
        var postgres = error as PostgresException ?? error.InnerException as PostgresException;
        Assert.True(postgres is not null, error.ToString());
        Assert.Equal("57014", postgres.SqlState);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(25), $"the wait ran {started.Elapsed} despite the cancel");

        // The session goes on.
        await using var count = new NpgsqlCommand("SELECT count(*) FROM refunds WHERE id = 3", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    /// <summary>The pending request for this text, once the gateway has made it (polled: the client is waiting meanwhile).</summary>
    private async Task<ApprovalRequestRecord> PendingRequestAsync(string text)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            var pending = await gateway.Approvals.ListAsync(ActionApprovals.Pending, 50, default);
            if (pending.FirstOrDefault(r => r.ActionSummary?.StartsWith(text, StringComparison.Ordinal) == true) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no pending request for {text}");
    }
}
