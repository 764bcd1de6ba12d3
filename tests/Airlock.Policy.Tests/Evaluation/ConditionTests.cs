using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>mfa, reason, ticket, grant and unless_grant: a rule whose conditions fail does not match at all.</summary>
public sealed class ConditionTests
{
    private static readonly PolicyAction ReadOrders = PolicyAction.Sql(StatementKind.Read, ["orders"]);

    [Fact]
    public void Mfa_required_matches_only_after_mfa()
    {
        var snapshot = Compile("""
            rules:
              - id: with-mfa
                allow: { resources: [db], sql: [read], mfa: required }
              - id: with-mfa-true
                allow: { resources: [db-staging], sql: [read], mfa: true }
              - id: mfa-off
                allow: { resources: [api], mfa: false }
            """);

        Assert.True(snapshot.Decide(Who("alice"), "db", ReadOrders).IsDefaultDeny);
        Assert.Equal("with-mfa", snapshot.Decide(Who("alice", mfa: true), "db", ReadOrders).DecidingRuleId);
        Assert.True(snapshot.Decide(Who("alice"), "db-staging", ReadOrders).IsDefaultDeny);
        Assert.Equal("with-mfa-true", snapshot.Decide(Who("alice", mfa: true), "db-staging", ReadOrders).DecidingRuleId);
        Assert.Equal("mfa-off", snapshot.Decide(Who("alice"), "api", PolicyAction.Http("GET", "/")).DecidingRuleId);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("\t\n", false)]
    [InlineData("checking order 42 for a customer", true)]
    public void Reason_required_needs_a_reason_that_is_not_blank(string? reason, bool matches)
    {
        var snapshot = Compile("""
            rules:
              - id: with-reason
                allow: { resources: [db], sql: [read], reason: required }
              - id: reason-optional
                allow: { resources: [db-staging], sql: [read], reason: optional }
            """);

        Assert.Equal(matches, !snapshot.Decide(Who("alice"), "db", ReadOrders, reason).IsDefaultDeny);
        Assert.Equal("reason-optional", snapshot.Decide(Who("alice"), "db-staging", ReadOrders, reason).DecidingRuleId);
    }

    [Theory]
    [InlineData("^INC-[0-9]+$", "INC-4711", true)]
    [InlineData("^INC-[0-9]+$", "see INC-4711", false)]
    [InlineData("^INC-[0-9]+$", "INC-", false)]
    [InlineData("^INC-[0-9]+$", null, false)]
    [InlineData("^INC-[0-9]+$", "", false)]
    [InlineData("INC-[0-9]+", "see INC-4711 please", false)] // whole-reason match (issue 15, class U)
    [InlineData("INC-[0-9]+", "INC-4711", true)]
    [InlineData("^(INC|CHG)-[0-9]+$", "CHG-12", true)]
    public void A_ticket_pattern_must_match_the_reason(string pattern, string? reason, bool matches)
    {
        var snapshot = Compile($$"""
            rules:
              - id: with-ticket
                allow: { resources: [db], sql: [read], ticket: "{{pattern}}" }
            """);

        var decision = snapshot.Decide(Who("alice"), "db", ReadOrders, reason);

        Assert.Equal(matches ? RuleEffect.Allow : RuleEffect.Deny, decision.Effect);
        Assert.Equal(matches ? "with-ticket" : PolicyDecision.DefaultDenyId, decision.DecidingRuleId);
    }

    [Fact]
    public void A_grant_condition_needs_that_grant_to_be_active()
    {
        var snapshot = Compile("""
            rules:
              - id: break-glass-writes
                allow: { resources: [db], sql: [write], grant: break-glass }
            """);
        var write = PolicyAction.Sql(StatementKind.Write, ["orders"]);

        Assert.True(snapshot.Decide(Who("alice"), "db", write).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("alice", grants: ["deploy"]), "db", write).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("alice", grants: ["no-such-grant"]), "db", write).IsDefaultDeny);
        Assert.Equal("break-glass-writes", snapshot.Decide(Who("alice", grants: ["break-glass"]), "db", write).DecidingRuleId);
        Assert.Equal("break-glass-writes", snapshot.Decide(Who("bob", grants: ["deploy", "break-glass"]), "db", write).DecidingRuleId);
    }

    [Fact]
    public void An_unless_grant_rule_steps_aside_while_the_grant_is_active()
    {
        var snapshot = Compile("""
            rules:
              - id: writes-with-grant
                allow: { resources: [db], sql: [write], grant: deploy }
              - id: writes-need-review
                review: { resources: [db], sql: [write], unless_grant: deploy, approvers: { groups: [dba] } }
            """);
        var write = PolicyAction.Sql(StatementKind.Write, ["orders"]);

        Assert.Equal("writes-need-review", snapshot.Decide(Who("alice"), "db", write).DecidingRuleId);
        Assert.Equal("writes-need-review", snapshot.Decide(Who("alice", grants: ["break-glass"]), "db", write).DecidingRuleId);
        var granted = snapshot.Decide(Who("alice", grants: ["deploy"]), "db", write);
        Assert.Equal("writes-with-grant", granted.DecidingRuleId);
        Assert.Equal(["writes-with-grant"], granted.MatchedIds());
    }

    [Fact]
    public void Every_condition_must_hold_at_once()
    {
        var snapshot = Compile("""
            rules:
              - id: strict
                allow:
                  groups: [eng]
                  resources: [db]
                  sql: [write]
                  mfa: required
                  reason: required
                  ticket: "^INC-[0-9]+$"
                  grant: break-glass
                  schedule: { days: mon-fri, hours: "09:00-17:00", timezone: UTC }
            """);
        var write = PolicyAction.Sql(StatementKind.Write, ["orders"]);
        var all = Who("alice", mfa: true, grants: ["break-glass"]);

        Assert.Equal("strict", snapshot.Decide(all, "db", write, "INC-1", Noon).DecidingRuleId);
        Assert.True(snapshot.Decide(Who("alice", mfa: false, grants: ["break-glass"]), "db", write, "INC-1", Noon).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("alice", mfa: true), "db", write, "INC-1", Noon).IsDefaultDeny);
        Assert.True(snapshot.Decide(all, "db", write, "fixing", Noon).IsDefaultDeny);
        Assert.True(snapshot.Decide(all, "db", write, "INC-1", Noon.AddHours(6)).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("bob", mfa: true, grants: ["break-glass"]), "db", write, "INC-1", Noon).IsDefaultDeny);
    }

    [Fact]
    public void A_conditional_deny_only_denies_when_its_condition_holds()
    {
        var snapshot = Compile("""
            rules:
              - id: reads
                allow: { resources: [db], sql: [read] }
              - id: no-reads-at-night
                deny: { resources: [db], sql: [read], schedule: { hours: "22:00-06:00", timezone: UTC } }
            """);

        Assert.Equal("reads", snapshot.Decide(Who("alice"), "db", ReadOrders, at: Noon).DecidingRuleId);
        Assert.Equal("no-reads-at-night", snapshot.Decide(Who("alice"), "db", ReadOrders, at: Noon.AddHours(11)).DecidingRuleId);
    }
}
