using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Issue 14, class F: catalogs and statistics that hold values. pg_stats holds the most common values and
/// histograms of masked and denied columns, pg_stat_activity.query other sessions' SQL with its literals. The
/// gateway refuses them before policy (AL0921), however they are named or reached, and still serves
/// pg_stat_activity without its query column. The upstream login is a superuser: every catalog is readable there.
/// </summary>
public sealed class ClassF_CatalogValuesTests(AdversarialHarness gateway) : IClassFixture<AdversarialHarness>
{
    [Theory]
    [InlineData("SELECT attname, most_common_vals::text, histogram_bounds::text FROM pg_stats WHERE tablename IN ('customers', 'card_vault')")]
    [InlineData("SELECT * FROM pg_catalog.pg_stats WHERE tablename = 'customers'")]
    [InlineData("SELECT * FROM \"pg_stats\" WHERE tablename = 'card_vault'")]
    [InlineData("SELECT * FROM demo.pg_catalog.pg_stats WHERE tablename = 'card_vault'")]
    [InlineData("WITH s AS (SELECT * FROM pg_stats WHERE tablename = 'card_vault') SELECT histogram_bounds::text FROM s")]
    [InlineData("SELECT (SELECT string_agg(histogram_bounds::text, ';') FROM pg_stats WHERE attname = 'ssn')")]
    [InlineData("SET search_path = pg_catalog, public; SELECT histogram_bounds::text FROM pg_stats WHERE attname = 'ssn'")]
    [InlineData("SELECT stavalues1::text, stavalues2::text FROM pg_statistic")]
    [InlineData("SELECT * FROM pg_stats_ext")]
    [InlineData("SELECT * FROM pg_stats_ext_exprs")]
    [InlineData("SELECT stxdmcv::text FROM pg_statistic_ext_data")]
    [InlineData("SELECT usename, passwd FROM pg_shadow")]
    [InlineData("SELECT rolname, rolpassword FROM pg_authid")]
    [InlineData("SELECT * FROM pg_user_mappings")]
    [InlineData("SELECT * FROM pg_file_settings")]
    [InlineData("SELECT query FROM pg_stat_statements")]
    [InlineData("SELECT query_to_xml('SELECT histogram_bounds::text FROM pg_stats WHERE attname = ''ssn''', true, true, '')")]
    [InlineData("SELECT * FROM pg_logical_slot_peek_changes('airlock_test', NULL, NULL)")]
    [InlineData("SELECT * FROM pg_catalog.pg_logical_slot_peek_binary_changes('airlock_test', NULL, NULL)")]
    public async Task Value_catalogs_are_refused_before_policy(string sql) =>
        await RefusedAsync(sql);

    [Theory]
    [InlineData("SELECT query FROM pg_stat_activity")]
    [InlineData("SELECT array[query] FROM pg_stat_activity")]
    [InlineData("SELECT row(pid, query) FROM pg_stat_activity")]
    [InlineData("SELECT to_json(a) FROM pg_stat_activity a")]
    [InlineData("SELECT a.* FROM pg_catalog.pg_stat_activity a")]
    [InlineData("SELECT * FROM \"pg_stat_activity\"")]
    [InlineData("SELECT pid FROM pg_stat_activity WHERE query LIKE '%078%'")]
    [InlineData("SELECT pid FROM pg_stat_activity NATURAL JOIN (SELECT 'x' AS query) q")]
    [InlineData("SELECT pg_stat_get_activity(NULL)::text")]
    [InlineData("SELECT pg_stat_get_backend_activity(s) FROM pg_stat_get_backend_idset() s")]
    public async Task Other_sessions_SQL_text_is_refused(string sql)
    {
        // Another session has run a statement with the planted SSN in it: its text is what pg_stat_activity.query shows.
        await using var victim = gateway.DirectConnection();
        await victim.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT '{AdversarialHarness.PlantedSsn}' AS planted", victim);
        await command.ExecuteScalarAsync();

        await RefusedAsync(sql);
    }

    [Fact]
    public async Task Large_objects_are_refused()
    {
        await using var direct = gateway.DirectConnection();
        await direct.OpenAsync();
        await using var create = new NpgsqlCommand($"SELECT lo_from_bytea(0, convert_to('{AdversarialHarness.VaultSecret}', 'UTF8'))::bigint", direct);
        var oid = (long)(await create.ExecuteScalarAsync())!;
        try
        {
            await RefusedAsync($"SELECT convert_from(lo_get({oid}), 'UTF8')");
            await RefusedAsync("SELECT convert_from(data, 'UTF8') FROM pg_largeobject");
        }
        finally
        {
            await using var unlink = new NpgsqlCommand($"SELECT lo_unlink({oid})", direct);
            await unlink.ExecuteScalarAsync();
        }
    }

    [Fact]
    public async Task The_query_column_is_refused_in_the_extended_protocol_too()
    {
        var before = await gateway.WriteFingerprintAsync();
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT query FROM pg_stat_activity WHERE pid <> $1", connection);
        command.Parameters.AddWithValue(0);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
        Assert.Contains("AL0921", error.MessageText, StringComparison.Ordinal);
        AdversarialHarness.AssertNoPlantedValue(error.ToString());
        Assert.Equal(before, await gateway.WriteFingerprintAsync());
        await gateway.AssertAuditHoldsNoPlantedValueAsync();
    }

    [Fact]
    public async Task Pg_stat_activity_without_its_query_column_still_works_for_on_call()
    {
        await using var victim = gateway.DirectConnection();
        await victim.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT '{AdversarialHarness.PlantedSsn}' AS planted", victim);
        await command.ExecuteScalarAsync();

        string output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await gateway.PsqlOutputAsync(
            "SELECT pid, usename, state, wait_event_type, wait_event, now() - query_start AS running FROM pg_stat_activity WHERE backend_type = 'client backend' ORDER BY pid"));
        Assert.DoesNotContain("ERROR", output, StringComparison.Ordinal);
        Assert.Contains("idle", output, StringComparison.Ordinal);
        Assert.Contains("(", output, StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="sql"/> as alice through psql; asserts AL0921, nothing written, nothing leaked.</summary>
    private async Task RefusedAsync(string sql)
    {
        string output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await gateway.PsqlOutputAsync(sql));
        Assert.Contains("AL0921", output, StringComparison.Ordinal);
        Assert.Contains("ERROR", output, StringComparison.Ordinal);
    }
}
