using Airlock.Policy.Model;

namespace Airlock.Pipeline.Tests;

/// <summary>The gate's rule for masked columns (docs/security.md, class E): compared whole, never taken apart.</summary>
public sealed class StatementGateMaskedColumnTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private StatementGate Gate => new(() => fixture.Policy, fixture.Clock);

    private static GatewaySession Alice() =>
        new("s", new GatewayUser("alice", [], false), "demo", null, null, DateTimeOffset.UnixEpoch) { ReadOnly = true };

    [Theory]
    [InlineData("SELECT id FROM customers WHERE substr(ssn, 1, 1) = '0'", "customers.ssn")]
    [InlineData("SELECT id FROM customers ORDER BY email LIMIT 1", "customers.email")]
    [InlineData("SELECT count(*) FROM customers WHERE card_number LIKE '4%'", "customers.card_number")]
    public void A_read_that_takes_a_masked_column_apart_is_denied_with_the_column_named(string sql, string column)
    {
        var verdict = Gate.Decide(Alice(), sql);
        Assert.Equal(RuleEffect.Deny, verdict.Effect);
        Assert.Equal(StatementGate.MaskedColumnTakenApartRule, verdict.RuleId);
        Assert.Contains(column, verdict.RuleMessage, StringComparison.Ordinal);
        Assert.Null(verdict.MaxRows);
    }

    [Fact]
    public void A_whole_row_taken_apart_is_denied_whatever_it_holds()
    {
        var verdict = Gate.Decide(Alice(), "SELECT id FROM orders o WHERE o::text LIKE '%x%'");
        Assert.Equal(StatementGate.MaskedColumnTakenApartRule, verdict.RuleId);
        Assert.Contains("whole row of orders", verdict.RuleMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT id, email FROM customers WHERE email = 'someone@example.com'")]
    [InlineData("SELECT id FROM customers WHERE ssn IS NULL AND email IN ($1, $2)")]
    [InlineData("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.status LIKE 'ship%' ORDER BY o.id")]
    public void Whole_comparisons_and_unmasked_columns_are_allowed(string sql) =>
        Assert.Equal(RuleEffect.Allow, Gate.Decide(Alice(), sql).Effect);

    [Fact]
    public void A_write_held_for_review_is_left_to_its_approver()
    {
        var verdict = Gate.Decide(Alice(), "UPDATE orders SET status = 'x' WHERE customer_id IN (SELECT id FROM customers WHERE email LIKE '%@old.example')");
        Assert.Equal(RuleEffect.Review, verdict.Effect);
    }
}
