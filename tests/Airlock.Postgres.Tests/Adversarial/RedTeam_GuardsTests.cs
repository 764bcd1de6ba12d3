namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Red-team variants that were already closed when tried (several combine classes): kept so they stay closed.
/// </summary>
public sealed class RedTeam_GuardsTests(ClassGHarness gateway) : IClassFixture<ClassGHarness>
{
    /// <summary>Classes C and D: the error happens at FETCH, whose own text reads nothing; its cursor reads masked data.</summary>
    [Theory]
    [InlineData("BEGIN; DECLARE c CURSOR FOR SELECT email::int FROM customers WHERE id = 9001; FETCH c; COMMIT")]
    [InlineData("BEGIN; DECLARE c CURSOR FOR SELECT (ssn || ' ' || email)::date FROM customers WHERE id = 9001; MOVE FORWARD ALL IN c; COMMIT")]
    [InlineData("DECLARE c CURSOR WITH HOLD FOR SELECT email::int FROM customers WHERE id = 9001; FETCH c")]
    [InlineData("SELECT 1/(CASE WHEN ssn = '078-05-1120' THEN 0 ELSE 1 END) FROM customers WHERE id = 9001")]
    public async Task An_error_raised_by_a_cursor_over_masked_data_is_withheld(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains("AL0930", output);
            Assert.DoesNotContain("planted-example", output);
            return output;
        });
    }

    /// <summary>Classes D and G: a binary cursor over a derived value, or over a column the detectors mask.</summary>
    [Theory]
    [InlineData("SELECT reverse(card_number) FROM customers WHERE id = 9001", "[CARD]")]
    [InlineData("SELECT ssn FROM customers WHERE id = 9001", "[SSN]")]
    [InlineData("SELECT convert_to(note, 'UTF8') FROM billing.invoices WHERE id = 2", "5559")]
    public async Task A_binary_cursor_is_masked_as_a_query_is(string query, string expected)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync($"BEGIN; DECLARE c BINARY CURSOR FOR {query}; FETCH ALL c; COMMIT");
            Assert.Contains(expected, output);
            Assert.DoesNotContain(AdversarialHarness.PlantedCard, output);
            return output;
        });
    }

    /// <summary>Classes A and D: a WITH HOLD cursor over SQL run from a string keeps the masking of that SQL.</summary>
    [Fact]
    public async Task A_held_cursor_over_ts_stat_is_masked()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(
                "BEGIN; DECLARE c CURSOR WITH HOLD FOR SELECT * FROM ts_stat('select to_tsvector(''simple'', email) from customers where id = 9001'); COMMIT; FETCH ALL c", extra: ["-A", "-t"]);
            Assert.DoesNotContain("zebulon", output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("planted", output, StringComparison.OrdinalIgnoreCase);
            return output;
        });
    }

    /// <summary>Class E: generated guesses reached through INTERSECT, IN (subquery), ANY (ARRAY(…)), EXISTS, a CTE or XMLTABLE.</summary>
    [Theory]
    [InlineData("SELECT '078-05-' || lpad(g::text, 4, '0') FROM generate_series(1100, 1130) g INTERSECT SELECT ssn FROM customers")]
    [InlineData("SELECT count(*) FROM customers WHERE ssn IN (SELECT '078-05-' || lpad(g::text, 4, '0') FROM generate_series(1100, 1130) g)")]
    [InlineData("SELECT count(*) FROM customers WHERE ssn = ANY(ARRAY(SELECT '078-05-' || lpad(g::text, 4, '0') FROM generate_series(1100, 1130) g))")]
    [InlineData("SELECT g FROM generate_series(1100, 1130) g WHERE EXISTS (SELECT 1 FROM customers c WHERE c.ssn = '078-05-' || g)")]
    [InlineData("WITH v AS (SELECT '078-05-' || g AS s FROM generate_series(1100, 1130) g) SELECT id FROM customers, v WHERE customers.ssn = v.s")]
    [InlineData("SELECT * FROM xmltable('/x' PASSING (SELECT xmlelement(name x, ssn) FROM customers WHERE id = 9001) COLUMNS v text PATH '.')")]
    [InlineData("SELECT count(*) FROM customers WHERE id = 9001 AND NULLIF(ssn, '078-05-1120') IS NULL")]
    [InlineData("SELECT count(*) FROM customers c WHERE id = 9001 AND jsonb_path_exists(to_jsonb(c), '$.ssn ? (@ like_regex \"^078\")')")]
    [InlineData("SELECT id FROM customers WHERE id = 9001 AND (ssn, 1) < ('079', 1)")]
    public async Task Generated_guesses_by_other_roads_are_refused(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql, extra: ["-A", "-t"]);
            Assert.Contains("AL0940", output);
            Assert.DoesNotContain("9001", output.Replace("id = 9001", string.Empty, StringComparison.Ordinal));
            return output;
        });
    }

    /// <summary>Class F: other sessions' SQL through the functions behind pg_stat_activity.</summary>
    [Theory]
    [InlineData("SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s")]
    [InlineData("SELECT (pg_catalog.pg_stat_get_activity(NULL)).query")]
    [InlineData("SELECT query FROM pg_catalog.pg_stat_get_activity(NULL::int)")]
    public async Task Activity_functions_are_refused(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains("AL0921", output);
            return output;
        });
    }

    /// <summary>Session state as a channel: set_config and pg_notify carry a value past the statement that read it.</summary>
    [Theory]
    [InlineData("SELECT set_config('x.y', reverse(ssn), false) FROM customers WHERE id = 9001; SELECT current_setting('x.y')", "AL0901")]
    [InlineData("SELECT set_config('application_name', email, false) FROM customers WHERE id = 9001; SHOW application_name", "AL0901")]
    [InlineData("LISTEN ch; SELECT pg_notify('ch', email) FROM customers WHERE id = 9001; SELECT 1", "AL0902")]
    public async Task A_value_cannot_be_parked_in_session_state(string sql, string id)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains(id, output);
            return output;
        });
    }
}
