using Airlock.Audit;
using Airlock.Postgres.Tests.Robustness;
using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Class C (issue 14): errors and notices carry raw data. A statement that reads masked data (or data the
/// gateway cannot trace: a view, a user-defined function) gets its errors' and notices' text withheld
/// whole, with AL0930 and the SQLSTATE kept; the audit records the condition, never the text. Errors of
/// statements that read nothing masked stay readable.
/// </summary>
public sealed class ClassC_ErrorLeakTests(ErrorLeakHarness gateway) : IClassFixture<ErrorLeakHarness>
{
    private const long Planted = AdversarialHarness.PlantedId;

    [Fact]
    public async Task String_agg_of_a_whole_table_cast_to_int_is_withheld_and_the_audit_keeps_only_the_condition()
    {
        const string Sql = "select string_agg(id||'|'||full_name||'|'||replace(ssn,'-','x')||'|'||card_number||'x', ';')::int from customers";
        var output = await HarmlessPsqlAsync(Sql);
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
        Assert.Contains("invalid_text_representation", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Customer 1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("078x05x1120", output, StringComparison.Ordinal);

        var outcome = (await gateway.AuditEventsAsync()).Select(e => e.Event).Last(e => e.Kind == AuditEventKinds.ActionOutcome && e.ErrorCode == "22P02");
        Assert.Equal("invalid_text_representation", outcome.Error);
        Assert.DoesNotContain("078x05x1120", await gateway.AuditTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_name_read_into_regclass_is_not_echoed_by_undefined_table()
    {
        var output = await HarmlessPsqlAsync($"SELECT (SELECT full_name FROM customers WHERE id = {Planted})::regclass");
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
        Assert.Contains("(SQLSTATE 42", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_errors_withhold_their_detail_and_context_which_quote_the_input()
    {
        // DETAIL: Token "-05" is invalid. CONTEXT: JSON data, line 1: {"a":078-05…
        var output = await HarmlessPsqlAsync($"SELECT ('{{\"a\":' || ssn || ', \"n\": \"' || full_name || '\"}}')::json FROM customers WHERE id = {Planted}");
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
        Assert.DoesNotContain("CONTEXT", output, StringComparison.Ordinal);
        Assert.DoesNotContain("078", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Division_by_zero_inside_a_function_does_not_quote_its_dynamic_sql_in_the_context()
    {
        var output = await HarmlessPsqlAsync($"SELECT ratio(full_name) FROM customers WHERE id = {Planted}");
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
        Assert.Contains("division_by_zero", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SQL statement", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notices_and_warnings_raised_by_a_function_with_row_values_are_withheld_and_the_row_still_comes()
    {
        var output = await HarmlessPsqlAsync($"SELECT shout(full_name || ' ' || ssn) AS r FROM customers WHERE id = {Planted}");
        Assert.Contains("NOTICE:  AL0930: successful_completion", output, StringComparison.Ordinal);
        Assert.Contains("WARNING:  AL0930: warning", output, StringComparison.Ordinal);
        Assert.Contains("(1 row)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_defined_function_that_reads_customers_behind_a_table_free_select_is_withheld()
    {
        var output = await HarmlessPsqlAsync("SELECT peek()");
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Customer 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_view_over_customers_is_data_the_gateway_cannot_trace()
    {
        var output = await HarmlessPsqlAsync($"SELECT full_name::int FROM customer_names WHERE id = {Planted}");
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_failing_statement_of_a_multi_statement_query_inside_a_transaction_is_withheld()
    {
        var output = await HarmlessPsqlAsync($"BEGIN; SELECT count(*) FROM orders; SELECT (SELECT email FROM customers WHERE id = {Planted})::int; COMMIT");
        Assert.Contains("AL0930", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_error_in_a_transaction_that_read_masked_data_is_withheld_too()
    {
        // The transaction read customers: a later failure (a deferred check at COMMIT would be one) can quote those rows.
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var read = new NpgsqlCommand($"SELECT ssn FROM customers WHERE id = {Planted}", connection, transaction))
            {
                await read.ExecuteScalarAsync();
            }

            await using var failing = new NpgsqlCommand("SELECT 1 / 0", connection, transaction);
            var error = await Assert.ThrowsAsync<PostgresException>(() => failing.ExecuteScalarAsync());
            Assert.Equal("22012", error.SqlState);
            Assert.StartsWith("AL0930", error.MessageText, StringComparison.Ordinal);
            return Describe(error);
        });
    }

    [Fact]
    public async Task Extended_protocol_errors_at_execute_of_a_prepared_statement_are_withheld()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT card_number::int FROM customers WHERE id = @id", connection);
            command.Parameters.AddWithValue("id", Planted);
            await command.PrepareAsync();
            var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteScalarAsync());
            Assert.Equal("22003", error.SqlState); // numeric_value_out_of_range: the card does not fit an int4
            Assert.StartsWith("AL0930: numeric_value_out_of_range", error.MessageText, StringComparison.Ordinal);
            Assert.Null(error.Detail);
            Assert.Null(error.Where);
            return Describe(error);
        });
    }

    [Fact]
    public async Task Errors_at_parse_and_at_bind_of_a_statement_that_reads_customers_are_withheld()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var client = await RawPgClient.ConnectAsync(gateway.Port);
            await client.LoginAsync();

            // Parse: a constant that does not convert is rejected at parse analysis, quoting it.
            await client.SendAsync(PgFrames.Concat(
                PgFrames.Parse("p1", $"SELECT full_name FROM customers WHERE ssn = '{AdversarialHarness.PlantedSsn}'::int"),
                PgFrames.Sync()));
            var parse = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            var parseError = Assert.Single(parse.Errors);
            Assert.Equal("22P02", parseError['C']);
            Assert.StartsWith("AL0930", parseError['M'], StringComparison.Ordinal);

            // Bind: a parameter that does not convert to its declared type (int8) is quoted at Bind.
            await client.SendAsync(PgFrames.Concat(
                PgFrames.Parse("p2", "SELECT full_name FROM customers WHERE id = $1", 20),
                PgFrames.Bind(string.Empty, "p2", [AdversarialHarness.PlantedName]),
                PgFrames.Execute(string.Empty),
                PgFrames.Sync()));
            var bind = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            var bindError = Assert.Single(bind.Errors);
            Assert.Equal("22P02", bindError['C']);
            Assert.StartsWith("AL0930", bindError['M'], StringComparison.Ordinal);
            return parse + "\n" + bind;
        });
    }

    [Fact]
    public async Task An_ordinary_error_on_a_table_with_nothing_masked_stays_readable_and_the_audit_still_keeps_no_text()
    {
        var output = await gateway.PsqlOutputAsync("SELECT status::int FROM orders WHERE id = 1");
        Assert.Contains("invalid input syntax for type integer: \"paid\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AL0930", output, StringComparison.Ordinal);

        var missing = await gateway.PsqlOutputAsync("SELECT no_such_column FROM orders");
        Assert.Contains("column \"no_such_column\" does not exist", missing, StringComparison.Ordinal);

        var events = (await gateway.AuditEventsAsync()).Select(e => e.Event).Where(e => e.Kind == AuditEventKinds.ActionOutcome && e.ErrorCode is not null).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.DoesNotContain("paid", e.Error ?? string.Empty, StringComparison.Ordinal));
        Assert.Contains(events, e => e.Error == "undefined_column");
    }

    private async Task<string> HarmlessPsqlAsync(string sql)
    {
        var output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await gateway.PsqlOutputAsync(sql));
        return output;
    }

    private static string Describe(PostgresException error) =>
        string.Join("\n", error.SqlState, error.MessageText, error.Detail, error.Hint, error.Where, error.InternalQuery, error.SchemaName, error.TableName, error.ColumnName, error.ConstraintName);
}
