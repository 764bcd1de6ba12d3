using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Class E (docs/security.md): a masked column used outside the output must not leak through values computed
/// elsewhere. A masked column may be compared whole with a written-out guess; anything that takes it apart, in
/// any clause and at any depth, is refused with AL0940. Looking up a customer by a known value still works.
/// </summary>
public sealed class ClassE_PredicateTests(AdversarialHarness gateway) : IClassFixture<AdversarialHarness>
{
    [Fact]
    public async Task Rebuilding_a_name_character_by_character_with_generate_series_is_refused()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(
                "SELECT p, g FROM customers c, generate_series(1,30) p, generate_series(32,126) g " +
                $"WHERE c.id = {AdversarialHarness.PlantedId} AND ascii(substr(c.full_name,p,1)) = g ORDER BY p", extra: ["-A", "-t"]);
            Assert.Contains("AL0940", output);
            return output + "\n" + Rebuilt(output);
        });
    }

    [Theory]
    [InlineData("SELECT count(*) FROM customers WHERE id = 9001 AND full_name LIKE 'Zeb%'")]
    [InlineData("SELECT count(*) FROM customers WHERE id = 9001 AND email ILIKE 'zebulon%'")]
    [InlineData("SELECT count(*) FROM customers WHERE id = 9001 AND ssn ~ '^078'")]
    [InlineData("SELECT count(*) FROM customers WHERE id = 9001 AND card_number SIMILAR TO '5500%'")]
    [InlineData("SELECT count(*) FROM customers WHERE id = 9001 AND position('@planted' in email) > 0")]
    public async Task Pattern_probes_on_a_masked_column_are_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Theory]
    [InlineData("SELECT id FROM customers WHERE id = 9001 AND ssn < '5'")]
    [InlineData("SELECT id FROM customers WHERE id = 9001 AND ssn BETWEEN '000' AND '100'")]
    [InlineData("SELECT id FROM customers WHERE id = 9001 AND greatest(ssn, '078') = ssn")]
    [InlineData("SELECT id FROM customers WHERE id = 9001 AND card_number::numeric > 5000000000000000")]
    public async Task Range_probes_for_a_binary_search_are_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Theory]
    [InlineData("SELECT id FROM customers ORDER BY ssn LIMIT 1")]
    [InlineData("SELECT id, ssn FROM customers ORDER BY 2 OFFSET 5 LIMIT 1")]
    [InlineData("SELECT id, rank() OVER w FROM customers WINDOW w AS (ORDER BY email)")]
    [InlineData("SELECT DISTINCT ON (left(full_name, 1)) id FROM customers")]
    public async Task Ordering_by_a_masked_column_is_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Fact]
    public async Task An_allowed_ordinal_does_not_let_the_same_shape_order_by_a_masked_column()
    {
        // ORDER BY 1 and ORDER BY 2 differ only in a literal: the analyzer must not share their analyses.
        await gateway.AssertHarmlessAsync(async () =>
        {
            var allowed = await gateway.PsqlOutputAsync("SELECT id, ssn FROM customers ORDER BY 1 LIMIT 1");
            Assert.DoesNotContain("AL0940", allowed);
            var refused = await gateway.PsqlOutputAsync("SELECT id, ssn FROM customers ORDER BY 2 LIMIT 1");
            Assert.Contains("AL0940", refused);
            return allowed + refused;
        });
    }

    [Fact]
    public async Task A_case_in_the_select_list_whose_branch_is_a_constant_is_masked_by_its_condition()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(
                $"SELECT id, CASE WHEN substr(ssn, 1, 3) = '078' THEN 'LEAKMARK' ELSE 'other' END AS probe FROM customers WHERE id = {AdversarialHarness.PlantedId}");
            Assert.Contains("9001", output);
            Assert.DoesNotContain("LEAKMARK", output);
            Assert.DoesNotContain("other", output);
            return output;
        });
    }

    [Theory]
    [InlineData("SELECT count(*) FILTER (WHERE ssn LIKE '078%') FROM customers")]
    [InlineData("SELECT count(CASE WHEN ssn < '1' THEN 1 END) FROM customers WHERE id = 9001")]
    [InlineData("SELECT c.id FROM customers c GROUP BY c.id HAVING max(c.ssn) LIKE '078%'")]
    [InlineData("SELECT left(ssn, 3), count(*) FROM customers GROUP BY 1")]
    public async Task Aggregates_filters_and_groups_that_take_a_masked_column_apart_are_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Theory]
    [InlineData("SELECT count(*) FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE ssn LIKE '078%')")]
    [InlineData("SELECT count(*) FROM orders o WHERE EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id AND c.full_name LIKE 'Z%')")]
    [InlineData("WITH s AS (SELECT id, left(full_name, 1) AS f FROM customers) SELECT id FROM s WHERE f = 'Z'")]
    [InlineData("WITH s AS (SELECT * FROM customers) SELECT id FROM s WHERE s.ssn > '0'")]
    [InlineData("SELECT count(*) FROM customers c CROSS JOIN LATERAL generate_series(1, ascii(c.full_name)) g WHERE c.id = 9001")]
    [InlineData("SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id AND c.email LIKE 'z%'")]
    [InlineData("SELECT id FROM customers LIMIT (SELECT ascii(ssn) FROM customers WHERE id = 9001)")]
    [InlineData("EXPLAIN ANALYZE SELECT id FROM customers WHERE ssn LIKE '078%'")]
    [InlineData("BEGIN; DECLARE c CURSOR FOR SELECT id FROM customers ORDER BY ssn; FETCH 1 FROM c; COMMIT")]
    [InlineData("SELECT id FROM customers WHERE id = 9001 AND (ssn > '5') IS TRUE")]
    [InlineData("SELECT (SELECT id FROM customers ORDER BY card_number LIMIT 1)")]
    public async Task Subqueries_ctes_lateral_joins_and_limits_at_any_depth_are_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Theory]
    [InlineData("SELECT id FROM customers c WHERE c::text LIKE '%Zebulon%'")]
    [InlineData("SELECT id FROM customers c WHERE to_jsonb(c) ->> 'ssn' LIKE '078%'")]
    [InlineData("SELECT id FROM customers c WHERE row(c.*)::text > '(9001,Z'")]
    public async Task A_whole_row_reference_taken_apart_is_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Theory]
    [InlineData("SELECT '078-05-' || to_char(g, 'FM0000') FROM customers c, generate_series(0, 9999) g WHERE c.id = 9001 AND c.ssn = '078-05-' || to_char(g, 'FM0000')")]
    [InlineData("SELECT count(*) FROM (SELECT ssn FROM customers WHERE id = 9001 INTERSECT SELECT '078-05-' || to_char(g, 'FM0000') FROM generate_series(0, 5000) g) x")]
    [InlineData("SELECT v FROM generate_series(0, 9999) g, LATERAL (SELECT '078-05-' || to_char(g, 'FM0000') AS v) x WHERE v IN (SELECT ssn FROM customers)")]
    [InlineData("SELECT id FROM customers WHERE ssn = ANY(ARRAY(SELECT '078-05-' || to_char(g, 'FM0000') FROM generate_series(0, 9999) g))")]
    [InlineData("SELECT id FROM customers WHERE ssn = ANY(string_to_array((SELECT string_agg('078-05-' || to_char(g, 'FM0000'), ',') FROM generate_series(0, 9999) g), ','))")]
    [InlineData("WITH RECURSIVE r(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM r WHERE n < 9999) SELECT n FROM r, customers c WHERE c.id = 9001 AND c.ssn = '078-05-' || lpad(n::text, 4, '0')")]
    public async Task Whole_comparisons_with_generated_guesses_are_refused(string sql) =>
        await AssertRefusedAsync(sql);

    [Fact]
    public async Task Npgsql_with_a_parameter_in_a_range_probe_is_refused()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id FROM customers WHERE id = $1 AND ssn < $2", connection);
            command.Parameters.AddWithValue(AdversarialHarness.PlantedId);
            command.Parameters.AddWithValue("1");
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
            Assert.Contains("AL0940", error.MessageText);
            Assert.Contains("customers.ssn", error.MessageText);
            Assert.Equal("42501", error.SqlState);
            return error.MessageText + error.Hint;
        });
    }

    [Fact]
    public async Task Looking_up_a_customer_by_a_known_email_still_works_with_psql_and_is_masked()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(
                $"SELECT id, email, ssn, card_number FROM customers WHERE email = '{AdversarialHarness.PlantedEmail}'", extra: ["-A", "-t"]);
            Assert.DoesNotContain("AL09", output);
            Assert.StartsWith("9001|", output.Trim());
            return output;
        });
    }

    [Fact]
    public async Task Looking_up_a_customer_by_a_known_email_still_works_with_an_npgsql_parameter_and_is_masked()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT id, email, ssn FROM customers WHERE email = $1", connection);
            command.Parameters.AddWithValue(AdversarialHarness.PlantedEmail);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            var id = reader.GetInt64(0);
            var email = await reader.IsDBNullAsync(1) ? "" : reader.GetString(1);
            var ssn = await reader.IsDBNullAsync(2) ? "" : reader.GetString(2);
            Assert.Equal(AdversarialHarness.PlantedId, id);
            Assert.False(await reader.ReadAsync());
            return $"{id} {email} {ssn}";
        });
    }

    [Theory]
    [InlineData("SELECT count(*) FROM customers WHERE ssn IS NULL")]
    [InlineData("SELECT c.id, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.id = 9001 GROUP BY c.id")]
    [InlineData("SELECT id FROM customers WHERE email IN ('zebulon.quixote@planted-example.com', 'nobody@example.com') AND ssn IS NOT DISTINCT FROM '078-05-1120'")]
    [InlineData("SELECT status, count(*) FROM orders WHERE customer_id = 9001 OR id < 5 GROUP BY status")]
    public async Task Whole_comparisons_and_plain_joins_still_run(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.DoesNotContain("ERROR", output);
            Assert.Contains("row", output);
            return output;
        });
    }

    [Theory]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', g::text) FROM customers c, generate_series(32,126) g WHERE c.id = 9001 AND ascii(substr(c.full_name,1,1)) = g')")]
    [InlineData("SELECT query_to_xml('SELECT id FROM customers WHERE id = 9001 AND ssn LIKE ''078%''', true, false, '')")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', id::text) FROM customers ORDER BY email LIMIT 1')")]
    public async Task Taking_a_masked_column_apart_inside_sql_run_from_a_string_is_refused(string sql) =>
        // Classes A and E together: the hidden statement's predicates count as the outer statement's.
        await AssertRefusedAsync(sql);

    [Theory]
    [InlineData("SELECT min(id) FROM customers GROUP BY email")]
    [InlineData("SELECT DISTINCT email FROM customers")]
    [InlineData("SELECT DISTINCT id, ssn FROM customers WHERE id > 8000")]
    public async Task Grouping_on_a_masked_column_which_may_sort_by_it_is_refused(string sql)
    {
        // Red team: after SET enable_hashagg = off (or with a small work_mem) GROUP BY and DISTINCT sort, and
        // the groups come out in the masked column's order, which is the ORDER BY oracle again.
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync("SET enable_hashagg = off; " + sql);
            Assert.Contains("AL0940", output);
            return output;
        });
    }

    private async Task AssertRefusedAsync(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains("AL0940", output);
            return output;
        });

        var audit = await gateway.AuditTextAsync();
        Assert.Contains("airlock:masked-column-taken-apart", audit);
    }

    /// <summary>What the attacker would rebuild from (position, character code) pairs.</summary>
    private static string Rebuilt(string output)
    {
        var characters = new SortedDictionary<int, char>();
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split('|');
            if (parts.Length == 2 && int.TryParse(parts[0], out var position) && int.TryParse(parts[1], out var code))
            {
                characters[position] = (char)code;
            }
        }

        return new string([.. characters.Values]);
    }
}
