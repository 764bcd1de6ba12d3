using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>How matching rules combine into one decision.</summary>
public sealed class DecisionTests
{
    private static PolicyAction Read(params string[] tables) => PolicyAction.Sql(StatementKind.Read, tables);

    private static PolicyAction Write(params string[] tables) => PolicyAction.Sql(StatementKind.Write, tables);

    [Fact]
    public void A_request_no_rule_matches_is_denied_by_default()
    {
        var snapshot = Compile("""
            rules:
              - id: eng-reads
                allow: { groups: [eng], resources: [db], sql: [read] }
            """);

        var decision = snapshot.Decide(Who("bob"), "db", Read("orders"));

        Assert.Equal(RuleEffect.Deny, decision.Effect);
        Assert.True(decision.IsDefaultDeny);
        Assert.Null(decision.DecidingRule);
        Assert.Equal(PolicyDecision.DefaultDenyId, decision.DecidingRuleId);
        Assert.Equal(0, decision.Matched.Count);
        Assert.Null(decision.MaxRows);
        Assert.Equal(snapshot.Revision, decision.Revision);

        Assert.Equal(RuleEffect.Allow, snapshot.Decide(Who("alice"), "db", Read("orders")).Effect);
        Assert.True(snapshot.Decide(Who("alice"), "db", Write("orders")).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("alice"), "db-staging", Read("orders")).IsDefaultDeny);
    }

    [Theory]
    [InlineData("allow:{ groups: [eng], resources: [\"*\"] }")]
    [InlineData("allow:{}")]
    public void An_unknown_resource_is_denied_even_by_a_rule_for_everything(string block)
    {
        var snapshot = Compile($"rules:\n  - id: everything\n    {block.Replace(":", ": ", StringComparison.Ordinal)}\n");
        var alice = Who("alice");

        Assert.Equal(RuleEffect.Allow, snapshot.Decide(alice, "db", Read("orders")).Effect);
        var decision = snapshot.Decide(alice, "no-such-db", Read("orders"));
        Assert.Equal(RuleEffect.Deny, decision.Effect);
        Assert.True(decision.IsDefaultDeny);
        Assert.Equal(0, decision.Matched.Count);
        Assert.False(snapshot.TryGetResource("no-such-db", out _));
    }

    [Fact]
    public void An_action_of_the_wrong_kind_for_the_resource_is_denied()
    {
        var snapshot = Compile("""
            rules:
              - id: anything-goes
                allow: {}
            """);
        var alice = Who("alice");

        Assert.Equal(RuleEffect.Allow, snapshot.Decide(alice, "api", PolicyAction.Http("GET", "/")).Effect);
        Assert.Equal(RuleEffect.Allow, snapshot.Decide(alice, "k8s", PolicyAction.Command(["ls"])).Effect);
        Assert.True(snapshot.Decide(alice, "api", Read("orders")).IsDefaultDeny);
        Assert.True(snapshot.Decide(alice, "db", PolicyAction.Command(["psql"])).IsDefaultDeny);
        Assert.True(snapshot.Decide(alice, "k8s", PolicyAction.Http("GET", "/")).IsDefaultDeny);
    }

    /// <summary>
    /// Three rules that all match a read of orders without a 'deploy' grant: the deny only when orders
    /// is touched, the review only without the deploy grant. Written in every order.
    /// </summary>
    [Theory]
    [InlineData("ARD")]
    [InlineData("ADR")]
    [InlineData("RAD")]
    [InlineData("RDA")]
    [InlineData("DAR")]
    [InlineData("DRA")]
    public void Deny_beats_review_beats_allow_wherever_the_rules_stand(string order)
    {
        var blocks = new Dictionary<char, string>
        {
            ['A'] = "  - id: the-allow\n    allow: { resources: [db], sql: [read] }\n",
            ['R'] = "  - id: the-review\n    review: { resources: [db], sql: [read], unless_grant: deploy, approvers: { groups: [dba] } }\n",
            ['D'] = "  - id: the-deny\n    deny: { resources: [db], sql: { kinds: [read], tables: [orders] } }\n",
        };
        var snapshot = Compile("rules:\n" + string.Concat(order.Select(c => blocks[c])));
        var fileOrder = order.Select(c => c switch { 'A' => "the-allow", 'R' => "the-review", _ => "the-deny" }).ToArray();

        var all = snapshot.Decide(Who("alice"), "db", Read("orders"));
        Assert.Equal(RuleEffect.Deny, all.Effect);
        Assert.Equal("the-deny", all.DecidingRuleId);
        Assert.Equal(fileOrder, all.MatchedIds());

        var noDeny = snapshot.Decide(Who("alice"), "db", Read("customers"));
        Assert.Equal(RuleEffect.Review, noDeny.Effect);
        Assert.Equal("the-review", noDeny.DecidingRuleId);
        Assert.Equal(fileOrder.Where(id => id != "the-deny").ToArray(), noDeny.MatchedIds());

        var allowOnly = snapshot.Decide(Who("alice", grants: ["deploy"]), "db", Read("customers"));
        Assert.Equal(RuleEffect.Allow, allowOnly.Effect);
        Assert.Equal(["the-allow"], allowOnly.MatchedIds());
    }

    [Fact]
    public void The_earliest_rule_of_the_strongest_effect_decides_and_every_match_is_listed_in_order()
    {
        var snapshot = Compile("""
            rules:
              - id: allow-1
                allow: { resources: [db], sql: [write] }
              - id: review-1
                review: { groups: [eng], resources: [db], sql: [write], approvers: { groups: [dba] } }
              - id: allow-2
                allow: { users: [alice], resources: [db], sql: [write] }
              - id: review-2
                review: { resources: [db], sql: [write], approvers: { groups: [dba] } }
              - id: deny-1
                deny: { resources: [db], sql: { kinds: [write], tables: [ledger] } }
              - id: deny-2
                deny: { resources: [db], sql: { kinds: [write], tables: ["*"] }, mfa: required }
            """);

        var review = snapshot.Decide(Who("alice"), "db", Write("orders"));
        Assert.Equal("review-1", review.DecidingRuleId);
        Assert.Same(snapshot.RulesById["review-1"], review.DecidingRule);
        Assert.Equal(["allow-1", "review-1", "allow-2", "review-2"], review.MatchedIds());

        var notEng = snapshot.Decide(Who("bob"), "db", Write("orders"));
        Assert.Equal("review-2", notEng.DecidingRuleId);
        Assert.Equal(["allow-1", "review-2"], notEng.MatchedIds());

        var deny = snapshot.Decide(Who("alice", mfa: true), "db", Write("ledger"));
        Assert.Equal("deny-1", deny.DecidingRuleId);
        Assert.Equal(["allow-1", "review-1", "allow-2", "review-2", "deny-1", "deny-2"], deny.MatchedIds());

        var laterDeny = snapshot.Decide(Who("alice", mfa: true), "db", Write("orders"));
        Assert.Equal("deny-2", laterDeny.DecidingRuleId);
    }

    [Fact]
    public void Max_rows_is_the_smallest_among_the_matching_rules_of_the_deciding_effect()
    {
        var snapshot = Compile("""
            rules:
              - id: wide
                allow: { resources: [db], sql: [read], max_rows: 500 }
              - id: uncapped
                allow: { resources: [db], sql: [read] }
              - id: narrow
                allow: { groups: [eng], resources: [db], sql: [read], max_rows: 100 }
              - id: review-ledger
                review: { resources: [db], sql: { kinds: [read], tables: [ledger] }, approvers: { groups: [dba] }, max_rows: 50 }
              - id: review-ledger-loose
                review: { resources: [db], sql: { kinds: [read], tables: [ledger] }, approvers: { groups: [dba] }, max_rows: 70 }
              - id: review-audit
                review: { resources: [db], sql: { kinds: [read], tables: [audit] }, approvers: { groups: [dba] } }
              - id: deny-secrets
                deny: { resources: [db], sql: { kinds: [read], tables: [secrets] } }
            """);

        Assert.Equal(100, snapshot.Decide(Who("alice"), "db", Read("orders")).MaxRows);
        Assert.Equal(500, snapshot.Decide(Who("bob"), "db", Read("orders")).MaxRows);

        // A review decides: only review rules' caps count, not the allows' smaller 100.
        var review = snapshot.Decide(Who("alice"), "db", Read("ledger"));
        Assert.Equal(RuleEffect.Review, review.Effect);
        Assert.Equal(50, review.MaxRows);

        // A review with no cap is uncapped even though matching allows carry caps.
        var audit = snapshot.Decide(Who("alice"), "db", Read("audit"));
        Assert.Equal("review-audit", audit.DecidingRuleId);
        Assert.Null(audit.MaxRows);

        var deny = snapshot.Decide(Who("alice"), "db", Read("ledger", "secrets"));
        Assert.Equal(RuleEffect.Deny, deny.Effect);
        Assert.Null(deny.MaxRows);
    }

    [Fact]
    public void An_allow_with_tables_needs_every_table_while_deny_and_review_fire_on_any()
    {
        var snapshot = Compile("""
            rules:
              - id: read-shop
                allow: { resources: [db], sql: { kinds: [read, write], tables: [orders, customers] } }
              - id: review-payments
                review: { resources: [db], sql: { kinds: [write], tables: [payments] }, approvers: { groups: [dba] } }
              - id: deny-secrets
                deny: { resources: [db], sql: { kinds: [read], tables: [secrets] } }
            """);
        var alice = Who("alice");

        Assert.Equal("read-shop", snapshot.Decide(alice, "db", Read("orders")).DecidingRuleId);
        Assert.Equal("read-shop", snapshot.Decide(alice, "db", Read("orders", "customers")).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "db", Read("orders", "payments")).IsDefaultDeny);

        // A statement that touches no table (SELECT 1) is within an allow's tables.
        Assert.Equal("read-shop", snapshot.Decide(alice, "db", Read()).DecidingRuleId);

        var review = snapshot.Decide(alice, "db", Write("orders", "payments"));
        Assert.Equal("review-payments", review.DecidingRuleId);
        Assert.Equal(["review-payments"], review.MatchedIds());
        Assert.Equal("read-shop", snapshot.Decide(alice, "db", Write("orders")).DecidingRuleId);
        Assert.True(snapshot.Decide(alice, "db", Write()).Effect == RuleEffect.Allow);

        var deny = snapshot.Decide(alice, "db", Read("orders", "customers", "secrets"));
        Assert.Equal("deny-secrets", deny.DecidingRuleId);
        Assert.Equal(["deny-secrets"], deny.MatchedIds());

        // A deny with tables does not fire for a statement that touches none.
        Assert.Equal("read-shop", snapshot.Decide(alice, "db", Read()).DecidingRuleId);
    }

    [Fact]
    public void Rules_select_resources_by_name_glob_label_and_type()
    {
        var snapshot = Compile("""
            rules:
              - id: by-glob
                allow: { users: [alice], resources: ["db*"], sql: [read] }
              - id: by-label
                allow: { users: [bob], resources: { labels: { env: staging } } }
              - id: by-type
                allow: { users: [carol], resources: { types: [command] } }
              - id: by-label-and-type
                allow: { users: [dave], resources: { labels: { env: prod }, types: [http] } }
            """);

        Assert.Equal(RuleEffect.Allow, snapshot.Decide(Who("alice"), "db", Read()).Effect);
        Assert.Equal(RuleEffect.Allow, snapshot.Decide(Who("alice"), "db-staging", Read()).Effect);
        Assert.Equal(RuleEffect.Allow, snapshot.Decide(Who("bob"), "db-staging", Write()).Effect);
        Assert.True(snapshot.Decide(Who("bob"), "db", Read()).IsDefaultDeny);
        Assert.Equal(RuleEffect.Allow, snapshot.Decide(Who("carol"), "k8s", PolicyAction.Command(["ls"])).Effect);
        Assert.True(snapshot.Decide(Who("carol"), "db", Read()).IsDefaultDeny);
        Assert.Equal(RuleEffect.Allow, snapshot.Decide(Who("dave"), "api", PolicyAction.Http("DELETE", "/x")).Effect);
        Assert.True(snapshot.Decide(Who("dave"), "k8s", PolicyAction.Command(["ls"])).IsDefaultDeny);
    }

    [Fact]
    public void A_rule_with_sql_kinds_applies_to_those_kinds_only()
    {
        var snapshot = Compile("""
            rules:
              - id: reads
                allow: { resources: [db], sql: [read, transaction] }
            """);

        foreach (var kind in StatementKinds.All)
        {
            var decision = snapshot.Decide(Who("alice"), "db", PolicyAction.Sql(kind, []));
            Assert.Equal(kind is StatementKind.Read or StatementKind.Transaction ? RuleEffect.Allow : RuleEffect.Deny, decision.Effect);
        }
    }

    [Fact]
    public void A_principal_resolved_against_another_snapshot_is_refused()
    {
        const string Rules = "rules:\n  - id: r1\n    allow: { resources: [db] }\n";
        var first = Compile(Rules);
        var second = Compile(Rules);
        var principal = first.ResolvePrincipal(Who("alice"));

        var request = new AccessRequest(principal, "db", Read("orders"), Noon);

        Assert.Equal(RuleEffect.Allow, first.Decide(request).Effect);
        var error = Assert.Throws<ArgumentException>(() => second.Decide(request));
        Assert.Contains("another policy snapshot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decision_names_the_bundle_revision_it_was_made_under()
    {
        var snapshot = Compile("rules:\n  - id: r1\n    allow: { resources: [db] }\n");

        var decision = snapshot.Decide(Who("alice"), "db", Read());

        Assert.Same(snapshot.Revision, decision.Revision);
        Assert.Matches("^sha256:[0-9a-f]{12}", decision.Revision.ToString());
        Assert.Equal(64, decision.Revision.ContentHash.Length);
    }
}
