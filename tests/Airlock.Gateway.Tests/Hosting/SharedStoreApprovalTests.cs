using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Airlock.Audit;
using Airlock.Store;
using Npgsql;

namespace Airlock.Gateway.Tests.Hosting;

/// <summary>
/// The issue's rule: "All state lives in the store, so it survives a restart. With the PostgreSQL store, an
/// approval given through one gateway instance takes effect on another." Two real instances share one
/// PostgreSQL store; alice uses psql and Npgsql, bob the admin API.
/// </summary>
public sealed partial class SharedStoreApprovalTests(SharedStoreGateways gateways) : IClassFixture<SharedStoreGateways>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task An_action_held_on_one_instance_is_approved_on_another_used_there_once_and_survives_a_restart()
    {
        const string sql = "DELETE FROM orders WHERE id = 1";

        // 1. Held on gw-a, with the request's id in the error.
        var held = await gateways.PsqlAsync("gw-a", "alice", sql);
        Assert.NotEqual(0, held.ExitCode);
        Assert.Contains("approval required by policy rule prod-writes-need-review", held.StandardError, StringComparison.Ordinal);
        var id = ApprovalId().Match(held.StandardError).Value;
        Assert.False(string.IsNullOrEmpty(id), held.StandardError);
        Assert.Equal(1, await gateways.CountOrdersAsync(1));

        // 2. bob approves through gw-b, which never saw the statement (with fresh MFA, as the rule's approvers need).
        await gateways.StepUpBobAsync("gw-b");
        using (var bob = gateways.Api("gw-b", "bob"))
        {
            using var approve = await bob.PostAsJsonAsync(new Uri($"v1/reviews/{id}/approve", UriKind.Relative), new { comment = "INC-7: stray test order" });
            var body = await approve.Content.ReadAsStringAsync();
            Assert.True(approve.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("approved", JsonDocument.Parse(body).RootElement.GetProperty("state").GetString());
        }

        // 3. alice runs it through gw-b: once. Then through gw-a it is held again, under a new request.
        var run = await gateways.PsqlAsync("gw-b", "alice", sql);
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal(0, await gateways.CountOrdersAsync(1));

        var again = await gateways.PsqlAsync("gw-a", "alice", sql);
        Assert.Contains("approval required by policy rule prod-writes-need-review", again.StandardError, StringComparison.Ordinal);
        var second = ApprovalId().Match(again.StandardError).Value;
        Assert.False(string.IsNullOrEmpty(second), again.StandardError);
        Assert.NotEqual(id, second);

        // 4. gw-a restarts on the same store: the used request is still there, and so is the pending one.
        await gateways.RestartAsync("gw-a");
        using var bobOnNewA = gateways.Api("gw-a", "bob");
        var used = JsonDocument.Parse(await bobOnNewA.GetStringAsync(new Uri("v1/reviews?state=used", UriKind.Relative))).RootElement;
        var request = Assert.Single(used.EnumerateArray(), r => r.GetProperty("id").GetString() == id);
        Assert.Equal(("used", "alice", "demo", sql), (request.GetProperty("state").GetString(), request.GetProperty("requester").GetString(), request.GetProperty("resource").GetString(), request.GetProperty("action").GetString()));
        var pending = JsonDocument.Parse(await bobOnNewA.GetStringAsync(new Uri("v1/reviews?state=pending", UriKind.Relative))).RootElement;
        Assert.Contains(pending.EnumerateArray(), r => r.GetProperty("id").GetString() == second);

        // Both instances wrote the one audit trail in the store: its hash chain still verifies, and it tells the story.
        var trail = gateways["gw-a"].Store.Audit;
        var verification = await AuditVerifier.VerifyAsync(trail, []);
        Assert.True(verification.Ok, verification.Problem?.ToString());
        var kinds = new List<string>();
        await foreach (var row in trail.ReadAsync(AuditQuery.All))
        {
            if (System.Text.Encoding.UTF8.GetString(row.Body).Contains(id, StringComparison.Ordinal))
            {
                kinds.Add(row.Kind);
            }
        }

        Assert.Equal([AuditEventKinds.ApprovalRequested, AuditEventKinds.ApprovalApproved, AuditEventKinds.ApprovalUsed], kinds.Where(k => k.StartsWith("approval.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_grant_approved_on_one_instance_opens_writes_on_another_and_its_revocation_there_ends_the_session()
    {
        const string sql = "DELETE FROM orders WHERE id = 2";

        // Without the grant alice's session on demo is read-only.
        await using (var before = new NpgsqlConnection(gateways.ConnectionString("gw-b", "alice")))
        {
            await before.OpenAsync();
            Assert.Equal("on", await ScalarAsync(before, "SHOW default_transaction_read_only"));
        }

        // alice asks on gw-a, bob approves on gw-b.
        string requestId;
        using (var alice = gateways.Api("gw-a", "alice"))
        {
            using var ask = await alice.PostAsJsonAsync(new Uri("v1/requests", UriKind.Relative), new { resource = "demo", grant = "prod-write", duration_seconds = 1800, reason = "INC-1" });
            var body = await ask.Content.ReadAsStringAsync();
            Assert.True(ask.StatusCode == HttpStatusCode.OK, body);
            var review = JsonDocument.Parse(body).RootElement;
            Assert.Equal("pending", review.GetProperty("state").GetString());
            requestId = review.GetProperty("id").GetString()!;
        }

        await gateways.StepUpBobAsync("gw-b");
        using (var bob = gateways.Api("gw-b", "bob"))
        {
            using var approve = await bob.PostAsJsonAsync(new Uri($"v1/reviews/{requestId}/approve", UriKind.Relative), new { comment = "ok" });
            var body = await approve.Content.ReadAsStringAsync();
            Assert.True(approve.StatusCode == HttpStatusCode.OK, body);
        }

        // A new session of alice on gw-b holds the grant: read-write, and her DELETE runs at once.
        await using var session = new NpgsqlConnection(gateways.ConnectionString("gw-b", "alice"));
        await session.OpenAsync();
        Assert.Equal("off", await ScalarAsync(session, "SHOW default_transaction_read_only"));
        var delete = await gateways.PsqlAsync("gw-b", "alice", sql);
        Assert.True(delete.ExitCode == 0, delete.StandardError);
        Assert.Equal(0, await gateways.CountOrdersAsync(2));

        // bob revokes on gw-a; gw-b ends alice's open session (57P01) within its once-a-second check.
        string grantId;
        using (var bobOnA = gateways.Api("gw-a", "bob"))
        {
            var grants = JsonDocument.Parse(await bobOnA.GetStringAsync(new Uri("v1/grants", UriKind.Relative))).RootElement;
            var grant = Assert.Single(grants.EnumerateArray(), g => g.GetProperty("approval_id").GetString() == requestId);
            Assert.Equal(("alice", "prod-write"), (grant.GetProperty("user").GetString(), grant.GetProperty("grant").GetString()));
            grantId = grant.GetProperty("id").GetString()!;
            using var revoke = await bobOnA.PostAsync(new Uri($"v1/grants/{grantId}/revoke", UriKind.Relative), content: null);
            var body = await revoke.Content.ReadAsStringAsync();
            Assert.True(revoke.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("bob", JsonDocument.Parse(body).RootElement.GetProperty("revoked_by").GetString());
        }

        var ended = await UntilFailsAsync(session);
        Assert.Equal("57P01", ended.SqlState);
        Assert.Contains(grantId, ended.MessageText, StringComparison.Ordinal);

        // And a new session on gw-b is read-only again.
        await using var after = new NpgsqlConnection(gateways.ConnectionString("gw-b", "alice"));
        await after.OpenAsync();
        Assert.Equal("on", await ScalarAsync(after, "SHOW default_transaction_read_only"));
    }

    /// <summary>Runs <c>SELECT 1</c> on the open session until the gateway ends it; fails the test at the deadline.</summary>
    [Fact]
    public async Task An_api_token_revoked_on_one_instance_ends_its_session_on_another_within_a_check()
    {
        string secret, tokenId;
        using (var alice = gateways.Api("gw-a", "alice"))
        {
            using var made = await alice.PostAsJsonAsync(new Uri("v1/tokens", UriKind.Relative), new { name = "shared-store", resources = new[] { "demo" }, sql_kinds = new[] { "read" }, expires_in_seconds = 3600 });
            var body = await made.Content.ReadAsStringAsync();
            Assert.True(made.StatusCode == HttpStatusCode.OK, body);
            var answer = JsonDocument.Parse(body).RootElement;
            secret = answer.GetProperty("token").GetString()!;
            tokenId = answer.GetProperty("details").GetProperty("id").GetString()!;
        }

        await using var session = new NpgsqlConnection(gateways.ConnectionString("gw-b", "alice").Replace(gateways.Tokens["alice"], secret, StringComparison.Ordinal));
        await session.OpenAsync();
        Assert.Equal("1", await ScalarAsync(session, "SELECT 1"));

        using (var alice = gateways.Api("gw-a", "alice"))
        {
            using var revoke = await alice.PostAsync(new Uri($"v1/tokens/{tokenId}/revoke", UriKind.Relative), content: null);
            Assert.True(revoke.StatusCode == HttpStatusCode.OK, await revoke.Content.ReadAsStringAsync());
        }

        // gw-b learns of it from the store (one question a second for all its sessions), not from gw-a.
        var ended = await UntilFailsAsync(session);
        Assert.Equal("57P01", ended.SqlState);
        Assert.Contains($"the revocation of API token {tokenId}", ended.MessageText, StringComparison.Ordinal);
    }

    private static async Task<PostgresException> UntilFailsAsync(NpgsqlConnection connection)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await ScalarAsync(connection, "SELECT 1");
            }
            catch (Exception ex) when (ex is PostgresException or NpgsqlException)
            {
                return ex as PostgresException ?? ex.InnerException as PostgresException
                    ?? throw new Xunit.Sdk.XunitException("the session failed without a PostgreSQL error", ex);
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"alice's session on gw-b was still open {Deadline.TotalSeconds} s after the revocation");
    }

    private static async Task<string?> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [GeneratedRegex("apr_[0-9A-Za-z_-]+", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ApprovalId();
}
