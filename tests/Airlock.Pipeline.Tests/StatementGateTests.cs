using Airlock.Policy.Model;

namespace Airlock.Pipeline.Tests;

public sealed class StatementGateTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private StatementGate Gate => new(() => fixture.Policy, fixture.Clock);

    private static GatewaySession Alice(bool readOnly = true) =>
        new("s", new GatewayUser("alice", [], false), "demo", null, null, DateTimeOffset.UnixEpoch) { ReadOnly = readOnly };

    [Fact]
    public void The_strongest_effect_of_several_statements_decides()
    {
        var verdict = Gate.Decide(Alice(), "SELECT 1; DELETE FROM orders WHERE id = 1; SELECT 2");
        Assert.Equal(RuleEffect.Review, verdict.Effect);
        Assert.Equal("prod-writes-need-review", verdict.RuleId);

        var denied = Gate.Decide(Alice(), "SELECT 1; DROP TABLE orders; DELETE FROM orders");
        Assert.Equal(RuleEffect.Deny, denied.Effect);
        Assert.Equal("no-ddl-in-prod", denied.RuleId);
    }

    [Theory]
    [InlineData("SET default_transaction_read_only = off")]
    [InlineData("BEGIN READ WRITE")]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")]
    public void A_read_only_session_cannot_switch_read_only_off(string sql)
    {
        var verdict = Gate.Decide(Alice(), sql);
        Assert.Equal(RuleEffect.Deny, verdict.Effect);
        Assert.Equal(StatementGate.ReadOnlySessionRule, verdict.RuleId);
    }

    [Fact]
    public void Reads_are_allowed_with_the_rules_row_cap_and_audited_normalized()
    {
        var verdict = Gate.Decide(Alice(), "SELECT email FROM customers WHERE ssn = '123-45-6789'");
        Assert.Equal(RuleEffect.Allow, verdict.Effect);
        Assert.Equal(1000, verdict.MaxRows);
        Assert.DoesNotContain("123-45-6789", verdict.AuditText, StringComparison.Ordinal);
        Assert.Contains("$1", verdict.AuditText, StringComparison.Ordinal);
    }

    [Fact]
    public void Unparsable_text_is_not_a_read_and_is_not_recorded_raw()
    {
        var verdict = Gate.Decide(Alice(), "SELEC password FROM users WHERE secret = 'hunter2'");
        Assert.NotEqual(RuleEffect.Allow, verdict.Effect);
        Assert.DoesNotContain("hunter2", verdict.AuditText, StringComparison.Ordinal);
        Assert.StartsWith("(unparsable SQL", verdict.AuditText, StringComparison.Ordinal);
    }

    /// <summary>Issue 14, class F: a read that policy allows is refused by the built-in guard when it reaches other sessions' SQL.</summary>
    [Theory]
    [InlineData("SELECT query FROM pg_stat_activity")]
    [InlineData("SELECT histogram_bounds::text FROM pg_catalog.pg_stats")]
    public void Value_catalogs_are_refused_before_policy_even_where_policy_allows_reads(string sql)
    {
        var verdict = Gate.Decide(Alice(), sql);
        Assert.Equal(RuleEffect.Deny, verdict.Effect);
        Assert.Equal(StatementGate.CatalogValuesRule, verdict.RuleId);
        Assert.Equal(RuleEffect.Allow, Gate.Decide(Alice(), "SELECT pid, state FROM pg_stat_activity").Effect);
    }

    /// <summary>Issue 14, class A: SQL run from a string that cannot be known is refused by the built-in guard, not left to policy.</summary>
    [Theory]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(ssn) FROM ' || 'customers')")]
    [InlineData("SELECT schema_to_xml('public', true, true, '')")]
    public void Hidden_sql_is_refused_before_policy(string sql)
    {
        var verdict = Gate.Decide(Alice(), sql);
        Assert.Equal(RuleEffect.Deny, verdict.Effect);
        Assert.Equal(StatementGate.HiddenSqlRule, verdict.RuleId);
        Assert.DoesNotContain("customers", verdict.RuleMessage, StringComparison.Ordinal);
    }

    /// <summary>Issue 14, class A: a constant query is decided by policy on what it reads: card_vault by its rule.</summary>
    [Fact]
    public void A_constant_hidden_query_is_decided_on_the_tables_it_reads()
    {
        var verdict = Gate.Decide(Alice(), "SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', pan) FROM card_vault')");
        Assert.Equal(RuleEffect.Deny, verdict.Effect);
        Assert.Equal("card-vault-is-off-limits", verdict.RuleId);
    }
}
