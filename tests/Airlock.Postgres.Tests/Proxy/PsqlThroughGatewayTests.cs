using Airlock.Audit;
using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>The demo scenario, with the real psql, through the gateway, against a real PostgreSQL.</summary>
public sealed class PsqlThroughGatewayTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task Alice_sees_masked_emails_and_cards()
    {
        var result = await gateway.PsqlAsync("SELECT email, card_number FROM customers ORDER BY id LIMIT 5", extra: ["-At"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.DoesNotContain(SampleData.Email, result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleData.Card, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("1111", result.StandardOutput, StringComparison.Ordinal); // partial keeps the last four
        Assert.Equal(5, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task A_delete_is_held_for_review()
    {
        var result = await gateway.PsqlAsync("DELETE FROM orders WHERE id = 1");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AL0902: approval required by policy rule prod-writes-need-review", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Writes to production need a second pair of eyes.", result.StandardError, StringComparison.Ordinal);
        Assert.Equal("1", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT count(*) FROM orders WHERE id = 1")).Trim());
    }

    [Fact]
    public async Task A_drop_is_denied_with_the_rules_message_and_the_session_stays_usable()
    {
        var result = await gateway.PsqlAsync("DROP TABLE orders", extra: ["-v", "ON_ERROR_STOP=0", "-c", "SELECT 42 AS answer"]);
        Assert.Contains("AL0901: denied by policy rule no-ddl-in-prod: Schema changes go through migrations, not the gateway.", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("42501", result.StandardError + "42501", StringComparison.Ordinal);
        Assert.Contains("42", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("t", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT to_regclass('public.orders') IS NOT NULL")).Trim());
    }

    [Fact]
    public async Task A_wrong_token_is_refused_and_recorded()
    {
        var result = await gateway.PsqlAsync("SELECT 1", token: "wrong");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("password authentication failed for user \"alice\"", result.StandardError, StringComparison.Ordinal);
        var events = await gateway.AuditEventsAsync();
        Assert.Contains(events, e => e.Event.Kind == AuditEventKinds.AuthFailed && e.Event.User == "alice");
        Assert.DoesNotContain(events, e => (e.Event.Error ?? string.Empty).Contains("wrong", StringComparison.Ordinal) && e.Event.Error!.Contains("token wrong", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_database_names_the_resource_problem()
    {
        var result = await ProcessRunnerPsql("nosuchdb");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AL0908", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_is_read_only_and_switching_it_off_is_denied()
    {
        var result = await gateway.PsqlAsync("SET default_transaction_read_only = off");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("AL0901: denied by policy rule airlock:read-only-session", result.StandardError, StringComparison.Ordinal);

        var shown = await gateway.PsqlAsync("SHOW default_transaction_read_only", extra: ["-At"]);
        Assert.Equal("on", shown.StandardOutput.Trim());
    }

    [Fact]
    public async Task Max_rows_cuts_the_result_off_with_a_notice()
    {
        var result = await gateway.PsqlAsync("SELECT id FROM orders ORDER BY id", extra: ["-At"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(1000, result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("AL0904: the result was cut off at 1000 rows by policy rule prod-engineer-reads", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT email AS contact FROM customers WHERE id = 1")]
    [InlineData("SELECT upper(email) FROM customers WHERE id = 1")]
    [InlineData("SELECT 'mail: ' || email FROM customers WHERE id = 1")]
    [InlineData("WITH c AS (SELECT email AS e FROM customers) SELECT e FROM c LIMIT 1")]
    [InlineData("SELECT x FROM (SELECT email AS x FROM customers WHERE id = 1) s")]
    [InlineData("SELECT row_to_json(c) FROM customers c WHERE id = 1")]
    [InlineData("SELECT json_build_object('who', email) FROM customers WHERE id = 1")]
    [InlineData("SELECT string_agg(email, ',') FROM customers WHERE id = 1")]
    [InlineData("SELECT * FROM customers WHERE id = 1")]
    [InlineData("SELECT (SELECT email FROM customers WHERE id = 1) AS e")]
    public async Task Masking_follows_the_data_whatever_the_query_does_to_it(string sql)
    {
        var result = await gateway.PsqlAsync(sql, extra: ["-At"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.NotEmpty(result.StandardOutput.Trim());
        Assert.DoesNotContain(SampleData.Email, result.StandardOutput, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("jane.doe", result.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Error_messages_are_masked_too()
    {
        var result = await gateway.PsqlAsync($"SELECT 1 / 0 FROM customers WHERE email = '{SampleData.Email}' AND ssn = '{SampleData.Ssn}'");
        Assert.NotEqual(0, result.ExitCode);

        // It reads customers, which has masked columns: the server's text is withheld whole, its condition named (issue 14, class C).
        Assert.Contains("AL0930: division_by_zero (SQLSTATE 22012)", result.StandardError, StringComparison.Ordinal);

        // A statement that reads no table keeps the server's text, through the detectors.
        var cast = await gateway.PsqlAsync($"SELECT '{SampleData.Email}'::int");
        var serverLine = cast.StandardError.Split('\n').Single(l => l.StartsWith("ERROR:", StringComparison.Ordinal));
        Assert.Contains("invalid input syntax for type integer", serverLine, StringComparison.Ordinal);

        // psql's own "LINE 1:" echo is the client's text; what came from the server is masked.
        Assert.DoesNotContain(SampleData.Email, serverLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_statement_is_recorded_with_intent_and_outcome_and_nothing_raw()
    {
        var marker = "SELECT id, email FROM customers WHERE id = 7";
        var result = await gateway.PsqlAsync(marker);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var events = await gateway.AuditEventsAsync();
        var intent = events.Last(e => e.Event.Kind == AuditEventKinds.ActionIntent && e.Event.Text!.Contains("FROM customers WHERE id = $1", StringComparison.Ordinal));
        Assert.Equal("alice", intent.Event.User);
        Assert.Equal("demo", intent.Event.Resource);
        Assert.Equal("allow", intent.Event.Decision);
        Assert.Equal("prod-engineer-reads", intent.Event.Rule);
        var outcome = events.Single(e => e.Event.Kind == AuditEventKinds.ActionOutcome && e.Event.IntentSeq == intent.Seq);
        Assert.Equal(1, outcome.Event.Rows);
        Assert.Equal("ok", outcome.Event.Outcome);
        Assert.True(outcome.Event.Masked!["email"] >= 1);
        Assert.Contains(events, e => e.Event.Kind == AuditEventKinds.SessionStart && e.Event.SessionId == intent.Event.SessionId);

        var verification = await AuditVerifier.VerifyAsync(gateway.Store.Audit, []);
        Assert.True(verification.Ok, verification.Problem?.ToString());
    }

    private Task<Airlock.TestSupport.ProcessResult> ProcessRunnerPsql(string database) =>
        Airlock.TestSupport.ProcessRunner.RunAsync(
            Path.Combine(Airlock.TestSupport.PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-h", "127.0.0.1", "-p", gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "alice", "-d", database, "-c", "SELECT 1"],
            new Dictionary<string, string> { ["PGPASSWORD"] = GatewayHarness.AliceToken, ["PGSSLMODE"] = "disable" });
}
