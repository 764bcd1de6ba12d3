using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>Who a principal is: static members, IdP group mapping, asserted groups, users and service accounts.</summary>
public sealed class PrincipalTests
{
    private static readonly PolicyAction ReadOrders = PolicyAction.Sql(StatementKind.Read, ["orders"]);

    private static PolicySnapshot Snapshot() => Compile("""
        rules:
          - id: eng-reads
            allow: { groups: [eng], resources: [db], sql: [read] }
          - id: robots-read-staging
            allow: { groups: [robots], resources: [db-staging], sql: [read] }
          - id: bot-calls-api
            allow: { users: [bot], resources: [api] }
          - id: dave-runs-commands
            allow: { users: [dave], resources: [k8s] }
        """);

    [Fact]
    public void Static_members_are_in_their_groups()
    {
        var snapshot = Snapshot();

        var alice = snapshot.ResolvePrincipal(Who("alice"));

        Assert.Equal(["eng"], alice.Groups);
        Assert.Equal("eng-reads", snapshot.Decide(Who("alice"), "db", ReadOrders).DecidingRuleId);
        Assert.Empty(snapshot.ResolvePrincipal(Who("dave")).Groups);
    }

    [Theory]
    [InlineData("idp-eng")]
    [InlineData("platform-eng")]
    public void Identity_provider_groups_map_onto_policy_groups(string claim)
    {
        var snapshot = Snapshot();
        var zoe = Who("zoe", idpGroups: ["unrelated", claim]);

        Assert.Equal(["eng"], snapshot.ResolvePrincipal(zoe).Groups);
        Assert.Equal("eng-reads", snapshot.Decide(zoe, "db", ReadOrders).DecidingRuleId);
    }

    [Fact]
    public void An_identity_provider_group_with_no_mapping_grants_nothing()
    {
        var snapshot = Snapshot();

        // A claim that happens to equal a policy group's name is not that group: only idp_groups map.
        var zoe = Who("zoe", idpGroups: ["eng", "dba", "sre-leads"]);

        Assert.Empty(snapshot.ResolvePrincipal(zoe).Groups);
        Assert.True(snapshot.Decide(zoe, "db", ReadOrders).IsDefaultDeny);
    }

    [Fact]
    public void Asserted_policy_groups_count_and_unknown_ones_are_ignored()
    {
        var snapshot = Snapshot();
        var zoe = Who("zoe", groups: ["eng", "made-up"]);

        Assert.Equal(["eng"], snapshot.ResolvePrincipal(zoe).Groups);
        Assert.Equal("eng-reads", snapshot.Decide(zoe, "db", ReadOrders).DecidingRuleId);
        Assert.True(snapshot.IsGroupDefined("eng"));
        Assert.False(snapshot.IsGroupDefined("made-up"));
    }

    [Fact]
    public void All_sources_of_membership_combine_in_bundle_order()
    {
        var snapshot = Snapshot();

        var bob = snapshot.ResolvePrincipal(Who("bob", idpGroups: ["idp-eng"], groups: ["approvers"]));

        Assert.Equal(["eng", "dba", "approvers"], bob.Groups);
    }

    [Fact]
    public void Service_accounts_are_principals_by_name_and_by_group()
    {
        var snapshot = Snapshot();
        var bot = Who("bot");

        Assert.Equal(["robots"], snapshot.ResolvePrincipal(bot).Groups);
        Assert.Equal("robots-read-staging", snapshot.Decide(bot, "db-staging", ReadOrders).DecidingRuleId);
        Assert.Equal("bot-calls-api", snapshot.Decide(bot, "api", PolicyAction.Http("GET", "/x")).DecidingRuleId);
        Assert.True(snapshot.Decide(bot, "db", ReadOrders).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("alice"), "api", PolicyAction.Http("GET", "/x")).IsDefaultDeny);
    }

    [Fact]
    public void A_rule_for_named_users_matches_those_names_only()
    {
        var snapshot = Snapshot();

        Assert.Equal("dave-runs-commands", snapshot.Decide(Who("dave"), "k8s", PolicyAction.Command(["ls"])).DecidingRuleId);
        Assert.True(snapshot.Decide(Who("Dave"), "k8s", PolicyAction.Command(["ls"])).IsDefaultDeny);
        Assert.True(snapshot.Decide(Who("dave2"), "k8s", PolicyAction.Command(["ls"])).IsDefaultDeny);
    }

    [Fact]
    public void Grants_resolve_against_the_bundle()
    {
        var snapshot = Snapshot();

        Assert.True(snapshot.IsGrantDefined("break-glass"));
        Assert.False(snapshot.IsGrantDefined("root"));
        Assert.Equal(["break-glass", "root"], snapshot.ResolvePrincipal(Who("alice", grants: ["break-glass", "root"])).Info.Grants);
    }

    [Fact]
    public void Group_membership_works_past_sixty_four_groups()
    {
        var groups = string.Concat(Enumerable.Range(0, 130).Select(i => $"  g{i}: {{ idp_groups: [claim-{i}] }}\n"));
        using var bundle = new TempBundle(
            ("world.yaml", World.Definitions),
            ("many.yaml", "groups:\n" + groups + "rules:\n  - id: last-group\n    allow: { groups: [g129], resources: [db] }\n  - id: group-64\n    allow: { groups: [g64], resources: [db-staging] }\n"));
        var snapshot = bundle.Compile();

        Assert.Equal("last-group", snapshot.Decide(Who("zoe", idpGroups: ["claim-129"]), "db", ReadOrders).DecidingRuleId);
        Assert.True(snapshot.Decide(Who("zoe", idpGroups: ["claim-128", "claim-1"]), "db", ReadOrders).IsDefaultDeny);
        Assert.Equal("group-64", snapshot.Decide(Who("zoe", idpGroups: ["claim-64"]), "db-staging", ReadOrders).DecidingRuleId);
        Assert.True(snapshot.Decide(Who("zoe", idpGroups: ["claim-0"]), "db-staging", ReadOrders).IsDefaultDeny);
    }
}
