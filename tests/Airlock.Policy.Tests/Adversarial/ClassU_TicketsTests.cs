using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;
using static Airlock.Policy.Tests.Support.World;

namespace Airlock.Policy.Tests.Adversarial;

/// <summary>
/// Issue 15, class U (tickets): a ticket pattern matches the WHOLE reason. .NET's '$' also matches before a
/// final newline, so '^INC-[0-9]+$' used to accept "INC-1\n"; the loader anchors every ticket pattern with
/// \A(?:…)\z, and a pattern that cannot be anchored is refused when the bundle loads.
/// </summary>
public sealed class ClassU_TicketsTests
{
    private static readonly PolicyAction ReadOrders = PolicyAction.Sql(StatementKind.Read, ["orders"]);

    [Theory]
    [InlineData("^INC-[0-9]+$", "INC-1\n")]
    [InlineData("^INC-[0-9]+$", "INC-1\r\n")]
    [InlineData("INC-[0-9]+", "INC-1\n")]
    [InlineData("INC-[0-9]+", "see INC-4711 please")]
    [InlineData("INC-[0-9]+", "INC-4711; DROP the audit")]
    [InlineData("^(INC|CHG)-[0-9]+$", "CHG-12\nand more")]
    [InlineData("INC-1|CHG-[0-9]+", "INC-12")]
    public void A_reason_that_is_more_than_a_ticket_does_not_satisfy_the_ticket_condition(string pattern, string reason)
    {
        var snapshot = Compile($$"""
            rules:
              - id: with-ticket
                allow: { resources: [db], sql: [read], ticket: "{{pattern}}" }
            """);

        Assert.Equal(PolicyDecision.DefaultDenyId, snapshot.Decide(Who("alice"), "db", ReadOrders, reason).DecidingRuleId);
    }

    [Theory]
    [InlineData("^INC-[0-9]+$", "INC-4711")]
    [InlineData("INC-[0-9]+", "INC-4111111111111111")]
    [InlineData("INC-1|INC-12", "INC-12")]
    public void A_reason_that_is_exactly_a_ticket_satisfies_it(string pattern, string reason)
    {
        var snapshot = Compile($$"""
            rules:
              - id: with-ticket
                allow: { resources: [db], sql: [read], ticket: "{{pattern}}" }
            """);

        Assert.Equal("with-ticket", snapshot.Decide(Who("alice"), "db", ReadOrders, reason).DecidingRuleId);
    }
}
