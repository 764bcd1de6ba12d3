using System.Text.Json;
using Airlock.Cli.Tests.Support;

namespace Airlock.Cli.Tests.Policy;

public sealed class PolicyExplainCommandTests
{
    [Fact]
    public void Explains_a_review_with_its_rule_approvers_and_near_misses()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "alice", "--resource", "demo", "--kind", "write", "--tables", "orders", "--at", "2026-11-23T10:00:00Z");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Decision: REVIEW", result.Out, StringComparison.Ordinal);
        Assert.Matches(@"decided by: prod-writes-need-review \(.*rules/databases\.yaml:\d+:5\)", result.Out);
        Assert.Contains("approvers: 1 from any of [approvers], window 15m, each with MFA from the last 15m", result.Out, StringComparison.Ordinal);
        Assert.Contains("grant: needs an active 'prod-write' grant", result.Out, StringComparison.Ordinal);
        Assert.Contains("sql kind: write is not one of [ddl, privilege, admin, procedural, unknown]", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Explains_a_denial_with_the_rule_message_and_other_matches()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "alice", "--resource", "orders-prod", "--kind", "read", "--tables", "payments.card_vault");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Decision: DENY", result.Out, StringComparison.Ordinal);
        Assert.Contains("decided by: card-vault-is-off-limits", result.Out, StringComparison.Ordinal);
        Assert.Contains("message: The card vault is never queried by people", result.Out, StringComparison.Ordinal);
        Assert.Contains("- prod-engineer-reads [allow]", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_carries_the_decision_rules_locations_and_revision()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "bob", "--groups", "approvers", "--resource", "demo", "--kind", "read", "--tables", "customers", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("deny", root.GetProperty("decision").GetString());
        Assert.True(root.GetProperty("default_deny").GetBoolean());
        var miss = root.GetProperty("near_misses").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "prod-approver-reads");
        Assert.Contains(miss.GetProperty("failed").EnumerateArray(), f => f.GetString()!.StartsWith("mfa: required", StringComparison.Ordinal));
        Assert.True(miss.GetProperty("location").GetProperty("line").GetInt32() > 0);
        Assert.Matches("^[0-9a-f]{64}$", root.GetProperty("revision").GetProperty("content_hash").GetString()!);

        var withMfa = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "bob", "--mfa", "--resource", "demo", "--kind", "read", "--tables", "customers", "--json");
        using var allowed = JsonDocument.Parse(withMfa.Out);
        Assert.Equal("allow", allowed.RootElement.GetProperty("decision").GetString());
        Assert.Equal("prod-approver-reads", allowed.RootElement.GetProperty("deciding_rule").GetProperty("id").GetString());
    }

    [Fact]
    public void Schedules_are_explained_in_the_rule_time_zone()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "alice", "--reason", "CHG-1", "--resource", "orders-staging", "--kind", "ddl", "--at", "2026-11-21T09:00:00Z");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Decision: DENY", result.Out, StringComparison.Ordinal);
        Assert.Contains("schedule: Sat 2026-11-21 10:00 in Europe/Berlin is outside mon-fri 08:00-19:00 Europe/Berlin", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Commands_and_http_requests_are_explained()
    {
        var command = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "alice", "--resource", "k8s-prod", "--command", "kubectl exec -it pod -- sh");
        var http = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "dave", "--reason", "T-1", "--resource", "stripe", "--http", "GET /v1/charges/ch_1?expand=customer");

        Assert.Contains("decided by: k8s-no-exec-or-delete", command.Out, StringComparison.Ordinal);
        Assert.Contains("Decision: ALLOW", http.Out, StringComparison.Ordinal);
        Assert.Contains("decided by: stripe-lookups", http.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_resources_are_denied_with_a_note()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--user", "alice", "--resource", "nope", "--kind", "read");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Decision: DENY", result.Out, StringComparison.Ordinal);
        Assert.Contains("Note: resource 'nope' is not defined", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kind", "read", "--command", "ls")]
    [InlineData("--kind", "reed")]
    [InlineData("--http", "GET")]
    [InlineData("--tables", "orders")]
    public void Bad_action_options_are_usage_errors(params string[] action)
    {
        string[] args = ["policy", "explain", CliRunner.Samples, "--user", "alice", "--resource", "demo", .. action];

        var result = CliRunner.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("airlock: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_options_are_usage_errors()
    {
        var result = CliRunner.Run("policy", "explain", CliRunner.Samples, "--resource", "demo", "--kind", "read");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Option '--user' is required.", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'airlock policy explain --help' for usage.", result.Error, StringComparison.Ordinal);
    }
}
