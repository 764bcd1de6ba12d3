using System.Globalization;
using System.Text.RegularExpressions;
using Airlock.Audit;
using Airlock.Cli.Tests.Support;
using Airlock.Gateway.Hosting;
using Airlock.Pipeline;
using Airlock.Store;
using Airlock.TestSupport;
using Npgsql;

namespace Airlock.Cli.Tests.Gateway;

/// <summary>`airlock demo` for the class: psql as alice and bob, and `airlock reviews` as a new user types it.</summary>
public sealed class ReviewsDemoFixture : IAsyncLifetime
{
    public DemoEnvironment Demo { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("airlock-reviews-test-").FullName;
        Demo = await DemoEnvironment.StartAsync(directory, gatewayPort: 0, httpPort: 0, CliRunner.Samples);
    }

    public async Task DisposeAsync()
    {
        await Demo.DisposeAsync();
        Directory.Delete(Demo.Directory, recursive: true);
    }
}

/// <summary>
/// The issue's demo scenario for action approval, end to end: real psql, the real CLI, a real PostgreSQL.
/// The tests share one demo and run in the order written (bob's MFA step-up carries over to the next).
/// </summary>
[TestCaseOrderer(WrittenOrder.TypeName, WrittenOrder.AssemblyName)]
public sealed partial class ReviewsCommandTests(ReviewsDemoFixture fixture) : IClassFixture<ReviewsDemoFixture>
{
    private DemoEnvironment Demo => fixture.Demo;

    [Fact]
    public async Task Bob_steps_up_with_totp_before_he_reads_production_or_decides_a_review()
    {
        // First in the class: bob has not stepped up yet. Approvers read production after MFA
        // (prod-approver-reads: mfa: required): bob is told how to step up.
        var before = await PsqlAsync("bob", "SELECT count(*) FROM orders WHERE id = 9");
        Assert.Contains("AL0917", before.StandardError, StringComparison.Ordinal);
        Assert.Contains("airlock mfa --code", before.StandardError, StringComparison.Ordinal);

        // Nor does his vote count, yes or no (prod-writes-need-review: approvers' mfa 15m): he is told how to step up.
        var held = await PsqlAsync("alice", "DELETE FROM orders WHERE id = 8");
        var id = RequestId().Match(held.StandardError).Value;
        Assert.StartsWith("apr_", id, StringComparison.Ordinal);
        var approve = Cli("bob", "reviews", "approve", id);
        Assert.Equal(AirlockCli.Failed, approve.ExitCode);
        Assert.Contains("403: AL1014: ", approve.Error, StringComparison.Ordinal);
        Assert.Contains("within the last 15m", approve.Error, StringComparison.Ordinal);
        Assert.Contains("airlock mfa --code", approve.Error, StringComparison.Ordinal);
        var deny = Cli("bob", "reviews", "deny", id, "--reason", "orders are not deleted by hand");
        Assert.Equal(AirlockCli.Failed, deny.ExitCode);
        Assert.Contains("AL1014", deny.Error, StringComparison.Ordinal);

        var secret = Totp.FromBase32(Demo.BobTotpSecret);
        var now = DateTimeOffset.UtcNow;
        var wrong = Cli("bob", "mfa", "--code", Totp.Compute(secret, Totp.StepAt(now) + 5));
        Assert.Equal(AirlockCli.Failed, wrong.ExitCode);
        Assert.Contains("wrong or too old", wrong.Error, StringComparison.Ordinal);

        var code = Totp.Compute(secret, Totp.StepAt(now));
        var stepUp = Cli("bob", "mfa", "--code", code);
        Assert.True(stepUp.ExitCode == AirlockCli.Ok, stepUp.Error);
        Assert.Contains("MFA verified", stepUp.Out, StringComparison.Ordinal);
        Assert.Contains("used already", Cli("bob", "mfa", "--code", code).Error, StringComparison.Ordinal);

        var after = await PsqlAsync("bob", "SELECT count(*) FROM orders WHERE id = 9");
        Assert.True(after.ExitCode == 0, after.StandardError);
        var denied = Cli("bob", "reviews", "deny", id, "--reason", "orders are not deleted by hand");
        Assert.True(denied.ExitCode == AirlockCli.Ok, denied.Error);
        Assert.Contains(id + " is denied", denied.Out, StringComparison.Ordinal);

        // alice has no TOTP set up.
        Assert.Contains("no TOTP set up", Cli("alice", "mfa", "--code", "123456").Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_delete_runs_once_after_bob_approves_and_never_on_alices_own_approval()
    {
        // 1. alice's DELETE is held, and she is told the request id and how to get it approved.
        var held = await PsqlAsync("alice", "DELETE FROM orders WHERE id = 1");
        Assert.NotEqual(0, held.ExitCode);
        Assert.Contains("approval required by policy rule prod-writes-need-review", held.StandardError, StringComparison.Ordinal);
        var id = RequestId().Match(held.StandardError).Value;
        Assert.StartsWith("apr_", id, StringComparison.Ordinal);
        Assert.Contains("airlock reviews approve " + id, held.StandardError, StringComparison.Ordinal);
        Assert.Equal(1L, await CountOrdersAsync(1));

        // 2. alice cannot approve her own request.
        var own = Cli("alice", "reviews", "approve", id);
        Assert.Equal(AirlockCli.Failed, own.ExitCode);
        Assert.Contains("nobody approves their own request", own.Error, StringComparison.Ordinal);

        // bob sees exactly what will run, who asked, and the rule.
        var list = Cli("bob", "reviews", "list");
        Assert.True(list.ExitCode == AirlockCli.Ok, list.Error);
        Assert.Contains(id, list.Out, StringComparison.Ordinal);
        var show = Cli("bob", "reviews", "show", id);
        Assert.True(show.ExitCode == AirlockCli.Ok, show.Error);
        Assert.Contains("DELETE FROM orders WHERE id = 1", show.Out, StringComparison.Ordinal);
        Assert.Contains("asked by   alice", show.Out, StringComparison.Ordinal);
        Assert.Contains("prod-writes-need-review", show.Out, StringComparison.Ordinal);

        // 3. bob approves, with fresh MFA (the rule's approvers' mfa: 15m).
        StepUpBob();
        var approve = Cli("bob", "reviews", "approve", id, "--comment", "INC-7: stray order");
        Assert.True(approve.ExitCode == AirlockCli.Ok, approve.Error);
        Assert.Contains("approved " + id, approve.Out, StringComparison.Ordinal);

        // 4. alice re-runs the same statement: it runs, once. Her session is read-only (policy allows her
        // only reads on demo) before the approved write and again after it.
        var run = await PsqlAsync("alice", "SHOW default_transaction_read_only", "DELETE FROM orders WHERE id = 1", "SHOW default_transaction_read_only");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal(["on", "DELETE 1", "on"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(0L, await CountOrdersAsync(1));

        // 5. A third time it is held again, under a new request.
        var third = await PsqlAsync("alice", "DELETE FROM orders WHERE id = 1");
        Assert.Contains("approval required", third.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(id, RequestId().Match(third.StandardError).Value);

        // The trail has every step, and the run's intent names the approval it used.
        await Demo.Gateway.Audit.CheckpointAsync();
        var kinds = new List<(string Kind, string? Approval)>();
        await foreach (var row in Demo.Gateway.Store.Audit.ReadAsync(AuditQuery.All))
        {
            var stored = AuditEventJson.Deserialize(row.Body).Event;
            kinds.Add((row.Kind, stored.Detail?.GetValueOrDefault("approval_id")));
        }

        foreach (var kind in (string[])[AuditEventKinds.ApprovalRequested, AuditEventKinds.ApprovalRefused, AuditEventKinds.ApprovalApproved, AuditEventKinds.ApprovalUsed, AuditEventKinds.ActionIntent])
        {
            Assert.Contains((kind, id), kinds);
        }
    }

    [Fact]
    public async Task An_approved_grant_lets_alice_write_directly_until_it_is_revoked()
    {
        // Without a ticket the request is refused at once; with one it waits for an approver.
        var noTicket = Cli("alice", "request", "demo", "--grant", "prod-write", "--for", "1h", "--reason", "cleanup");
        Assert.Equal(AirlockCli.Failed, noTicket.ExitCode);
        Assert.Contains("^INC-[0-9]+$", noTicket.Error, StringComparison.Ordinal);
        var tooLong = Cli("alice", "request", "demo", "--grant", "prod-write", "--for", "3h", "--reason", "INC-42");
        Assert.Contains("at most 02:00:00", tooLong.Error, StringComparison.Ordinal);

        // A session alice opened before the grant (read-only now) and one through the extended protocol.
        await using var before = new NpgsqlConnection($"Host=127.0.0.1;Port={Demo.GatewayPort};Username=alice;Password={Demo.Tokens["alice"]};Database=demo;SSL Mode=Disable;Pooling=false;Timeout=15");
        await before.OpenAsync();
        await using (var show = new NpgsqlCommand("SHOW default_transaction_read_only", before))
        {
            Assert.Equal("on", (string?)await show.ExecuteScalarAsync());
        }

        var request = Cli("alice", "request", "demo", "--grant", "prod-write", "--for", "1h", "--reason", "INC-42");
        Assert.True(request.ExitCode == AirlockCli.Ok, request.Error);
        var id = RequestId().Match(request.Out).Value;
        Assert.Contains("airlock reviews approve " + id, request.Out, StringComparison.Ordinal);
        Assert.Equal(AirlockCli.Failed, Cli("alice", "reviews", "approve", id).ExitCode);

        StepUpBob();
        var approve = Cli("bob", "reviews", "approve", id);
        Assert.True(approve.ExitCode == AirlockCli.Ok, approve.Error);
        Assert.Contains("holds prod-write on demo", approve.Out, StringComparison.Ordinal);

        // A new session holds the grant: it is read-write, and the write runs without a review.
        var run = await PsqlAsync("alice", "SHOW default_transaction_read_only", "DELETE FROM orders WHERE id = 2");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Equal(["off", "DELETE 1"], run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The session opened before the grant switches to read-write at its next statement (Npgsql: extended protocol).
        await using (var show = new NpgsqlCommand("SHOW default_transaction_read_only", before))
        {
            Assert.Equal("off", (string?)await show.ExecuteScalarAsync());
        }

        await using (var write = new NpgsqlCommand("DELETE FROM orders WHERE id = @id", before))
        {
            write.Parameters.AddWithValue("id", 4);
            Assert.Equal(1, await write.ExecuteNonQueryAsync());
        }

        var list = Cli("bob", "grants", "list");
        Assert.True(list.ExitCode == AirlockCli.Ok, list.Error);
        var grant = GrantId().Match(list.Out).Value;
        Assert.Contains("INC-42", list.Out, StringComparison.Ordinal);
        var revoke = Cli("bob", "grants", "revoke", grant);
        Assert.True(revoke.ExitCode == AirlockCli.Ok, revoke.Error);
        Assert.Contains("no grants in force", Cli("bob", "grants", "list").Out, StringComparison.Ordinal);

        // Back to review.
        var held = await PsqlAsync("alice", "DELETE FROM orders WHERE id = 3");
        Assert.Contains("approval required", held.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_api_token_logs_in_within_its_scope_is_shown_once_and_revocation_is_immediate()
    {
        var create = Cli("alice", "tokens", "create", "--name", "nightly-checks", "--resource", "demo", "--sql", "read", "--expires", "7d");
        Assert.True(create.ExitCode == AirlockCli.Ok, create.Error);
        var secret = create.Out.Trim();
        Assert.StartsWith("alk_", secret, StringComparison.Ordinal);
        Assert.Contains("shown once", create.Error, StringComparison.Ordinal);

        // psql logs in with it as alice; reads run, a write is outside the token's scope (denied, not held).
        var read = await PsqlWithAsync("alice", secret, "SELECT count(*) FROM orders WHERE id = 5");
        Assert.True(read.ExitCode == 0, read.StandardError);
        var write = await PsqlWithAsync("alice", secret, "DELETE FROM orders WHERE id = 5");
        Assert.Contains("airlock:token-scope", write.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("approval required", write.StandardError, StringComparison.Ordinal);

        // Not another user's, not another resource's; a token cannot make tokens.
        Assert.Contains("password authentication failed", (await PsqlWithAsync("bob", secret, "SELECT 1")).StandardError, StringComparison.Ordinal);
        var other = Cli("alice", "tokens", "create", "--name", "staging-only", "--resource", "orders-staging");
        var staging = await PsqlWithAsync("alice", other.Out.Trim(), "SELECT 1");
        Assert.Contains("AL0923", staging.StandardError, StringComparison.Ordinal);

        // Listed without its secret; stored only as a hash.
        var list = Cli("alice", "tokens", "list");
        Assert.Contains("nightly-checks", list.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Out, StringComparison.Ordinal);
        var stored = string.Concat(Directory.EnumerateFiles(Demo.Directory, "airlock.db*").Select(f => System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);

        // Revoked: an open session ends at once, and the token logs in no more.
        await using var open = new NpgsqlConnection($"Host=127.0.0.1;Port={Demo.GatewayPort};Username=alice;Password={secret};Database=demo;SSL Mode=Disable;Pooling=false;Timeout=15");
        await open.OpenAsync();
        var id = TokenId().Match(list.Out).Value;
        Assert.True(Cli("alice", "tokens", "revoke", id).ExitCode == AirlockCli.Ok);
        await using var after = new NpgsqlCommand("SELECT 1", open);
        var ended = await Assert.ThrowsAnyAsync<Exception>(() => after.ExecuteScalarAsync());
        Assert.Contains("57P01", (ended as PostgresException ?? ended.InnerException as PostgresException)?.SqlState ?? ended.ToString(), StringComparison.Ordinal);
        var refused = (await PsqlWithAsync("alice", secret, "SELECT 1")).StandardError;
        Assert.Contains("AL1011", refused, StringComparison.Ordinal);
        Assert.Contains($"API token {id} (nightly-checks) was revoked", refused, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, refused, StringComparison.Ordinal);
    }

    [Fact]
    public void Deny_needs_a_reason_and_reviews_need_your_own_credentials()
    {
        var noReason = CliRunner.Run("reviews", "deny", "apr_00");
        Assert.NotEqual(AirlockCli.Ok, noReason.ExitCode);
        Assert.Contains("--reason", noReason.Error, StringComparison.Ordinal);

        var tokenFile = Path.Combine(Demo.Directory, "wrong-token");
        File.WriteAllText(tokenFile, "not-a-token");
        var wrong = CliRunner.Run("reviews", "list", "--gateway", Gateway, "--user", "bob", "--token-file", tokenFile);
        Assert.Equal(AirlockCli.Failed, wrong.ExitCode);
        Assert.Contains("401", wrong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-token", wrong.Error + wrong.Out, StringComparison.Ordinal);
    }

    private string Gateway => $"http://127.0.0.1:{Demo.HttpPort}";

    /// <summary>
    /// bob proves this 30-second step's code, as he would from his authenticator app. A code counts once: if
    /// an earlier test used this step's code, he stepped up moments ago and is fresh anyway.
    /// </summary>
    private void StepUpBob()
    {
        var code = Totp.Compute(Totp.FromBase32(Demo.BobTotpSecret), Totp.StepAt(DateTimeOffset.UtcNow));
        var stepUp = Cli("bob", "mfa", "--code", code);
        Assert.True(stepUp.ExitCode == AirlockCli.Ok || stepUp.Error.Contains("used already", StringComparison.Ordinal), stepUp.Error);
    }

    private CliResult Cli(string user, params string[] args)
    {
        var tokenFile = Path.Combine(Demo.Directory, user + ".token");
        File.WriteAllText(tokenFile, Demo.Tokens[user]);
        return CliRunner.Run([.. args, "--gateway", Gateway, "--user", user, "--token-file", tokenFile]);
    }

    private async Task<long> CountOrdersAsync(int id)
    {
        await using var direct = new NpgsqlConnection(Demo.Database.ConnectionString());
        await direct.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM orders WHERE id = {id}", direct);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private Task<ProcessResult> PsqlWithAsync(string user, string password, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", Demo.GatewayPort.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string> { ["PGPASSWORD"] = password, ["PGSSLMODE"] = "disable" });

    /// <summary>psql with one -c per statement: each is its own simple Query, in one session.</summary>
    private Task<ProcessResult> PsqlAsync(string user, params string[] statements) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", Demo.GatewayPort.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", .. statements.SelectMany(s => (string[])["-c", s])],
            new Dictionary<string, string> { ["PGPASSWORD"] = Demo.Tokens[user], ["PGSSLMODE"] = "disable" });

    [GeneratedRegex("apr_[0-9a-f]{20}")]
    private static partial Regex RequestId();

    [GeneratedRegex("tok_[0-9a-f]{20}")]
    private static partial Regex TokenId();

    [GeneratedRegex("grt_[0-9a-f]{20}")]
    private static partial Regex GrantId();
}
