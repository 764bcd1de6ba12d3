using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;
using static Airlock.Policy.Tests.Support.World;

namespace Airlock.Policy.Tests.Adversarial;

/// <summary>
/// Issue 15, class U (idp_groups): IdP group claims match a group's <c>idp_groups</c> ignoring case, so a deny
/// rule keyed on a group is not skipped because the IdP spells the claim differently. Policy group names given
/// directly (the authenticator's own groups) and user names still match exactly.
/// </summary>
public sealed class ClassU_IdpGroupsTests
{
    private static readonly PolicyAction ReadOrders = PolicyAction.Sql(StatementKind.Read, ["orders"]);

    private static PolicySnapshot DenyEngOnProd() => Compile("""
        rules:
          - id: reads
            allow: { resources: [db], sql: [read] }
          - id: no-eng-on-prod
            deny: { groups: [eng], resources: [db] }
        """);

    [Theory]
    [InlineData("IDP-ENG")]
    [InlineData("Idp-Eng")]
    [InlineData("Platform-Eng")]
    public void A_deny_rule_keyed_on_a_group_holds_whatever_case_the_idp_claim_is_in(string claim)
    {
        var decision = DenyEngOnProd().Decide(Who("dave", idpGroups: [claim]), "db", ReadOrders);

        Assert.Equal(RuleEffect.Deny, decision.Effect);
        Assert.Equal("no-eng-on-prod", decision.DecidingRuleId);
    }

    [Fact]
    public void A_claim_that_differs_by_more_than_case_is_no_member()
    {
        var decision = DenyEngOnProd().Decide(Who("dave", idpGroups: ["idp-eng-x", "idp_eng"]), "db", ReadOrders);

        Assert.Equal("reads", decision.DecidingRuleId);
    }

    [Fact]
    public void Policy_group_names_and_user_names_still_match_exactly()
    {
        var snapshot = DenyEngOnProd();

        Assert.Equal("reads", snapshot.Decide(Who("dave", groups: ["ENG"]), "db", ReadOrders).DecidingRuleId);
        Assert.Equal("reads", snapshot.Decide(Who("ALICE"), "db", ReadOrders).DecidingRuleId);
        Assert.Equal("no-eng-on-prod", snapshot.Decide(Who("alice"), "db", ReadOrders).DecidingRuleId);
    }
}
