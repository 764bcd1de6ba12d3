using Airlock.Policy.Compilation;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Loading;

/// <summary>AL0501: rules that can never decide because an unconditional deny covers every request they match.</summary>
public sealed class ShadowAnalysisTests
{
    private static TempBundle Bundle(string rules) => new(("world.yaml", World.Definitions), ("rules.yaml", rules));

    /// <summary>The AL0501 diagnostics of a bundle that must have no other problem.</summary>
    private static IReadOnlyList<PolicyDiagnostic> Shadowed(string rules)
    {
        using var bundle = Bundle(rules);
        var result = bundle.Load();
        Assert.All(result.Diagnostics, d => Assert.Equal(PolicyErrors.ShadowedRule, d.Id));
        return result.All(PolicyErrors.ShadowedRule);
    }

    [Theory]
    [InlineData("deny-first")]
    [InlineData("deny-last")]
    public void An_allow_fully_covered_by_an_unconditional_deny_is_reported_wherever_it_stands(string order)
    {
        const string Deny = "  - id: no-db\n    deny: { resources: [db] }\n";
        const string Allow = "  - id: db-reads\n    allow:\n      groups: [eng]\n      resources: [db]\n      sql: [read]\n";
        using var bundle = Bundle("rules:\n" + (order == "deny-first" ? Deny + Allow : Allow + Deny));
        var allowLine = order == "deny-first" ? 5 : 3;

        var result = bundle.Load();

        var diagnostic = result.At(PolicyErrors.ShadowedRule, bundle.PathOf("rules.yaml"), allowLine, 5);
        Assert.Contains("rule 'db-reads' can never fire: deny rule 'no-db'", diagnostic.Message, StringComparison.Ordinal);
        Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void A_review_covered_by_a_deny_is_reported()
    {
        var shadowed = Shadowed("""
            rules:
              - id: no-writes
                deny: { resources: { labels: { env: prod } }, sql: [write, ddl] }
              - id: reviewed-writes
                review: { resources: [db], sql: [write], approvers: { groups: [dba] } }
            """);

        Assert.Contains("'reviewed-writes'", Assert.Single(shadowed).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mfa: required")]
    [InlineData("reason: required")]
    [InlineData("ticket: \"^INC-\"")]
    [InlineData("grant: break-glass")]
    [InlineData("unless_grant: break-glass")]
    [InlineData("schedule: { days: sat, timezone: UTC }")]
    public void A_deny_with_a_condition_shadows_nothing(string condition)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: conditional-deny
                deny: { resources: [db], {{condition}} }
              - id: db-reads
                allow: { resources: [db], sql: [read] }
            """);

        Assert.Empty(shadowed);
    }

    [Fact]
    public void A_deny_with_max_rows_is_still_unconditional()
    {
        // max_rows is not allowed on deny at all; an allow's max_rows does not make it conditional either.
        var shadowed = Shadowed("""
            rules:
              - id: no-db
                deny: { resources: [db] }
              - id: capped
                allow: { resources: [db], sql: [read], max_rows: 10 }
            """);

        Assert.Single(shadowed);
    }

    [Fact]
    public void An_allow_with_tables_is_not_shadowed_by_a_deny_with_the_same_tables()
    {
        const string Rules = """
            rules:
              - id: no-orders
                deny: { resources: [db], sql: { kinds: [read], tables: [orders] } }
              - id: orders-reads
                allow: { resources: [db], sql: { kinds: [read], tables: [orders] } }
            """;

        Assert.Empty(Shadowed(Rules));

        // And rightly so: a statement that touches no table is allowed by it.
        var snapshot = Compile(Rules);
        Assert.Equal("orders-reads", snapshot.Decide(Who("alice"), "db", PolicyAction.Sql(StatementKind.Read, [])).DecidingRuleId);
        Assert.Equal("no-orders", snapshot.Decide(Who("alice"), "db", PolicyAction.Sql(StatementKind.Read, ["orders"])).DecidingRuleId);
    }

    [Theory]
    [InlineData("[orders]", "[orders]", true)]
    [InlineData("[orders, customers]", "[orders]", true)]
    [InlineData("[\"*\"]", "[orders, customers]", true)]
    [InlineData("[orders]", "[orders, customers]", false)]
    public void A_review_with_tables_is_shadowed_by_a_deny_on_a_superset_of_them(string denyTables, string reviewTables, bool reported)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: no-tables
                deny: { resources: [db], sql: { kinds: [write], tables: {{denyTables}} } }
              - id: reviewed
                review: { resources: [db], sql: { kinds: [write], tables: {{reviewTables}} }, approvers: { groups: [dba] } }
            """);

        Assert.Equal(reported, shadowed.Count == 1);
    }

    [Fact]
    public void A_later_deny_covered_by_an_earlier_one_is_reported()
    {
        var shadowed = Shadowed("""
            rules:
              - id: no-prod
                deny: { resources: { labels: { env: prod } } }
              - id: no-db-ddl
                deny: { resources: [db], sql: [ddl] }
            """);

        var diagnostic = Assert.Single(shadowed);
        Assert.Contains("rule 'no-db-ddl' can never fire: deny rule 'no-prod'", diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(5, diagnostic.Location.Line);
    }

    [Fact]
    public void An_earlier_deny_is_not_shadowed_by_a_later_broader_one()
    {
        // The narrow deny decides first for its requests and names itself in decisions and audit.
        var rules = """
            rules:
              - id: no-db-ddl
                deny: { resources: [db], sql: [ddl] }
              - id: no-prod
                deny: { resources: { labels: { env: prod } } }
            """;

        Assert.Empty(Shadowed(rules));
        Assert.Equal("no-db-ddl", Compile(rules).Decide(Who("alice"), "db", PolicyAction.Sql(StatementKind.Ddl, [])).DecidingRuleId);
    }

    [Theory]
    [InlineData("groups: [eng]", "users: [alice]", true)]      // alice is a static member of eng
    [InlineData("groups: [eng]", "groups: [eng]", true)]
    [InlineData("groups: [eng, dba]", "groups: [dba]", true)]
    [InlineData("users: [alice, bob]", "users: [bob]", true)]
    [InlineData("groups: [eng]", "groups: [dba]", false)]
    [InlineData("groups: [eng]", "users: [bob]", false)]
    [InlineData("users: [alice]", "groups: [eng]", false)]       // IdP members of eng are not alice
    [InlineData("groups: [eng]", "resources: [db]", false)]      // the allow is for anyone
    public void A_deny_shadows_only_principals_it_surely_covers(string denyWho, string allowWho, bool reported)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: the-deny
                deny: { {{denyWho}}, resources: [db] }
              - id: the-allow
                allow: { {{allowWho}}, resources: [db] }
            """.Replace("resources: [db], resources: [db]", "resources: [db]", StringComparison.Ordinal));

        Assert.Equal(reported, shadowed.Count == 1);
    }

    [Theory]
    [InlineData("resources: [db, db-staging]", "resources: [db]", true)]
    [InlineData("resources: { types: [postgres] }", "resources: [\"db*\"]", true)]
    [InlineData("resources: [db]", "resources: [db, db-staging]", false)]
    [InlineData("resources: { labels: { env: prod } }", "resources: { types: [postgres] }", false)]
    public void A_deny_shadows_only_when_its_resources_cover_the_rule(string denyWhere, string allowWhere, bool reported)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: the-deny
                deny: { {{denyWhere}}, sql: [read] }
              - id: the-allow
                allow: { {{allowWhere}}, sql: [read] }
            """);

        Assert.Equal(reported, shadowed.Count == 1);
    }

    [Theory]
    [InlineData("sql: [read, write]", "sql: [read]", true)]
    [InlineData("sql: [write]", "sql: [read]", false)]
    [InlineData("sql: [read]", "sql: [read, write]", false)]
    [InlineData("sql: [read]", "", false)]   // the allow takes every kind
    [InlineData("", "sql: [read]", true)]    // the deny takes every action
    public void A_deny_shadows_only_sql_kinds_it_covers(string denyWhat, string allowWhat, bool reported)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: the-deny
                deny: { resources: [db] {{(denyWhat.Length == 0 ? string.Empty : ", " + denyWhat)}} }
              - id: the-allow
                allow: { resources: [db] {{(allowWhat.Length == 0 ? string.Empty : ", " + allowWhat)}} }
            """);

        Assert.Equal(reported, shadowed.Count == 1);
    }

    [Theory]
    [InlineData("[\"**\"]", "[\"kubectl get **\"]", true)]
    [InlineData("[\"kubectl get **\", \"kubectl logs **\"]", "[\"kubectl get **\"]", true)]
    [InlineData("[\"kubectl exec **\"]", "[\"kubectl get **\"]", false)]
    [InlineData("[\"kubectl get **\"]", "[\"kubectl get **\", \"kubectl top **\"]", false)]
    public void A_deny_shadows_command_rules_whose_patterns_it_covers(string denyArgv, string allowArgv, bool reported)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: the-deny
                deny: { resources: [k8s], command: {{denyArgv}} }
              - id: the-allow
                allow: { resources: [k8s], command: {{allowArgv}} }
            """);

        Assert.Equal(reported, shadowed.Count == 1);
    }

    [Theory]
    [InlineData("{ methods: [DELETE] }", "{ methods: [DELETE], paths: [\"/v1/*\"] }", true)]
    [InlineData("{ paths: [\"/**\"] }", "{ methods: [GET] }", true)]
    [InlineData("{ methods: [GET, POST], paths: [\"/v1/*\"] }", "{ methods: [GET], paths: [\"/v1/*\"] }", true)]
    [InlineData("{ methods: [DELETE] }", "{ methods: [GET] }", false)]
    [InlineData("{ methods: [DELETE] }", "{ paths: [\"/v1/*\"] }", false)]
    [InlineData("{ paths: [\"/admin/**\"] }", "{ paths: [\"/v1/*\"] }", false)]
    public void A_deny_shadows_http_rules_whose_methods_and_paths_it_covers(string denyHttp, string allowHttp, bool reported)
    {
        var shadowed = Shadowed($$"""
            rules:
              - id: the-deny
                deny: { resources: [api], http: {{denyHttp}} }
              - id: the-allow
                allow: { resources: [api], http: {{allowHttp}} }
            """);

        Assert.Equal(reported, shadowed.Count == 1);
    }

    [Fact]
    public void A_deny_of_one_action_type_does_not_shadow_a_rule_over_several_resource_types()
    {
        var shadowed = Shadowed("""
            rules:
              - id: no-sql
                deny: { resources: [db, k8s], sql: [read, write, ddl, privilege, admin, transaction, session, procedural, unknown] }
              - id: anything-on-both
                allow: { resources: [db, k8s] }
              - id: sql-on-both
                allow: { resources: [db, k8s], sql: [read] }
            """);

        // anything-on-both still runs commands on k8s; sql-on-both only ever runs SQL, all of it denied.
        var diagnostic = Assert.Single(shadowed);
        Assert.Contains("'sql-on-both'", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shadowed_rule_fails_the_bundle_but_the_bundle_still_compiles_for_explaining()
    {
        using var bundle = Bundle("rules:\n  - id: no-db\n    deny: { resources: [db] }\n  - id: dead\n    allow: { resources: [db] }\n");
        var result = bundle.Load();

        Assert.False(result.Succeeded);
        var snapshot = SnapshotCompiler.Compile(result.Bundle!);
        var decision = snapshot.Decide(Who("alice"), "db", PolicyAction.Sql(StatementKind.Read, []));
        Assert.Equal("no-db", decision.DecidingRuleId);
        Assert.Equal(["no-db", "dead"], decision.MatchedIds());
    }
}
