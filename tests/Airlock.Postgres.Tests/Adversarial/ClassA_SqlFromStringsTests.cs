using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Issue 14, class A: SQL that runs from a string. ts_stat, ts_rewrite, query_to_xml, table_to_xml and their
/// kin run SQL the statement around them does not show. A constant query is analysed like the statement itself
/// (so card_vault is denied by its rule, AL0901, and a hidden pg_terminate_backend is admin, AL0901); what
/// cannot be known is refused before policy (AL0920).
/// </summary>
public sealed class ClassA_SqlFromStringsTests(AdversarialHarness gateway) : IClassFixture<AdversarialHarness>
{
    [Fact]
    public async Task The_issue_example_ts_stat_of_card_vault_is_denied_by_the_card_vault_rule()
    {
        var output = await RefusedAsync("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', secret) FROM card_vault')", "AL0901");
        Assert.Contains("card-vault-is-off-limits", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', ''x'') WHERE pg_terminate_backend({0})')")]
    [InlineData("SELECT * FROM pg_catalog.\"ts_stat\"($$SELECT to_tsvector('simple', 'x') WHERE pg_terminate_backend({0})$$, 'a')")]
    [InlineData("SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery WHERE pg_terminate_backend({0})')")]
    [InlineData("SELECT query_to_xml(query => E'SELECT pg_terminate_backend({0})', nulls => true, tableforest => true, targetns => '')")]
    [InlineData("EXPLAIN SELECT query_to_xml('SELECT pg_terminate_backend({0})', true, true, '')")]
    public async Task A_hidden_pg_terminate_backend_is_admin_and_the_other_session_survives(string template)
    {
        await using var victim = gateway.DirectConnection();
        await victim.OpenAsync();
        await using var pidCommand = new NpgsqlCommand("SELECT pg_backend_pid()", victim);
        var pid = (int)(await pidCommand.ExecuteScalarAsync())!;

        var output = await RefusedAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, pid), "AL0901");
        Assert.Contains("no-ddl-in-prod", output, StringComparison.Ordinal);

        await using var alive = new NpgsqlCommand("SELECT 1", victim);
        Assert.Equal(1, (int)(await alive.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_hidden_set_config_is_admin_and_the_session_stays_read_only()
    {
        await RefusedAsync("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', set_config(''default_transaction_read_only'', ''off'', false))')", "AL0901");
        var output = await gateway.PsqlOutputAsync("SHOW default_transaction_read_only");
        Assert.DoesNotContain("off", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT query_to_xml($q$SELECT pan, secret FROM card_vault$q$, true, true, '')")]
    [InlineData("SELECT query_to_xml_and_xmlschema(E'SELECT pan FROM \\x63ard_vault', true, true, '')")]
    [InlineData("SELECT * FROM ts_stat(U&'SELECT to_tsvector(''simple'', secret) FROM \\0063ard_vault')")]
    [InlineData("SELECT table_to_xml('card_vault', true, true, '')")]
    [InlineData("SELECT table_to_xml(' Public.\"card_vault\" '::regclass, true, true, '')")]
    [InlineData("SELECT table_to_xml(tbl => 'CARD_VAULT', nulls => true, tableforest => true, targetns => '')")]
    [InlineData("SELECT * FROM ts_stat($a$SELECT to_tsvector('simple', x::text) FROM query_to_xml($b$SELECT * FROM ts_stat($c$SELECT to_tsvector('simple', secret) FROM card_vault$c$)$b$, true, true, '') x$a$)")]
    [InlineData("SELECT ts_rewrite('a'::tsquery, $a$SELECT 'a'::tsquery, 'b'::tsquery FROM card_vault WHERE secret > ''$a$)")]
    [InlineData("WITH v AS (SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', secret) FROM card_vault')) SELECT word FROM v")]
    public async Task Card_vault_through_a_string_is_denied_by_the_card_vault_rule(string sql)
    {
        var output = await RefusedAsync(sql, "AL0901");
        Assert.Contains("card-vault-is-off-limits", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', secret) FROM card_' || 'vault')")]
    [InlineData("SELECT query_to_xml(format('SELECT %I FROM %I', 'secret', 'card_vault'), true, true, '')")]
    [InlineData("SELECT query_to_xml(q, true, true, '') FROM (VALUES ('SELECT secret FROM card_vault')) v(q)")]
    [InlineData("SELECT * FROM ts_stat('SELECT to_tsvector(''simple'', secret) FROM card_vault WHERE id = 1 AND true'::varchar(30))")]
    [InlineData("SELECT table_to_xml(('card' || '_vault')::regclass, true, true, '')")]
    [InlineData("SELECT table_to_xml(c.oid::regclass, true, true, '') FROM pg_class c WHERE relname = 'card_vault'")]
    [InlineData("SELECT schema_to_xml('public', true, true, '')")]
    [InlineData("SELECT database_to_xml(true, true, '')")]
    [InlineData("SELECT query_to_xml('SELECT 1; SELECT secret FROM card_vault', true, true, '')")]
    [InlineData("BEGIN; DECLARE c CURSOR FOR SELECT ssn FROM customers; SELECT cursor_to_xml('c', 10, true, true, ''); COMMIT")]
    public async Task What_cannot_be_known_is_refused_before_policy(string sql) =>
        await RefusedAsync(sql, "AL0920");

    [Fact]
    public async Task A_query_text_sent_as_a_parameter_is_refused_at_parse()
    {
        var before = await gateway.WriteFingerprintAsync();
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT word FROM ts_stat($1)", connection);
        command.Parameters.AddWithValue("SELECT to_tsvector('simple', secret) FROM card_vault");
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        Assert.Contains("AL0920", error.MessageText, StringComparison.Ordinal);
        AdversarialHarness.AssertNoPlantedValue(error.ToString());
        Assert.Equal(before, await gateway.WriteFingerprintAsync());
        await gateway.AssertAuditHoldsNoPlantedValueAsync();
    }

    [Fact]
    public async Task A_constant_query_on_customers_is_allowed_and_masked_by_the_hidden_lineage()
    {
        string output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await gateway.PsqlOutputAsync(
            $"SELECT word, ndoc FROM ts_stat('SELECT to_tsvector(''simple'', ssn) FROM customers WHERE id = {AdversarialHarness.PlantedId}')"));

        // No ORDER BY word: word derives from ssn, and ordering by it would be a class E sort-order oracle.
        Assert.DoesNotContain("ERROR", output, StringComparison.Ordinal);
        Assert.Contains("(3 rows)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("1120", output, StringComparison.Ordinal); // the planted SSN's pieces: 078, -05, -1120
    }

    [Fact]
    public async Task Table_to_xml_of_customers_is_allowed_and_masked_whole()
    {
        string output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await gateway.PsqlOutputAsync("SELECT table_to_xml('public.CUSTOMERS', true, true, '')"));
        Assert.DoesNotContain("ERROR", output, StringComparison.Ordinal);
        Assert.Contains("(1 row)", output, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="sql"/> as alice through psql; asserts it was refused with <paramref name="id"/>, wrote nothing and leaked nothing.</summary>
    private async Task<string> RefusedAsync(string sql, string id)
    {
        string output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await gateway.PsqlOutputAsync(sql));
        Assert.Contains(id, output, StringComparison.Ordinal);
        Assert.Contains("ERROR", output, StringComparison.Ordinal);
        return output;
    }
}
