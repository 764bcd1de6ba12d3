using Airlock.Postgres.Tests.Support;
using Npgsql;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>Npgsql speaks the extended protocol: Parse/Bind/Describe/Execute/Sync, pipelined, with binary results.</summary>
public sealed class NpgsqlThroughGatewayTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task Parameters_and_binary_results_come_back_masked()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, email, card_number, amount FROM customers c JOIN (SELECT customer_id, sum(amount_cents) AS amount FROM orders GROUP BY 1) o ON o.customer_id = c.id WHERE c.id = @id", connection);
        command.Parameters.AddWithValue("id", 1L);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.NotEqual(SampleData.Email, reader.GetString(1));
        Assert.DoesNotContain(SampleData.Card, reader.GetString(2), StringComparison.Ordinal);
        Assert.EndsWith("1111", reader.GetString(2), StringComparison.Ordinal);
        Assert.True(reader.GetDecimal(3) > 0);
    }

    [Fact]
    public async Task Prepared_statements_run_many_times()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT status FROM orders WHERE id = @id", connection);
        var id = command.Parameters.Add("id", NpgsqlTypes.NpgsqlDbType.Bigint);
        await command.PrepareAsync();
        for (var i = 1; i <= 20; i++)
        {
            id.Value = (long)i;
            Assert.Equal("paid", await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task A_denied_statement_in_a_batch_fails_with_its_rule_and_the_connection_goes_on()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using (var batch = new NpgsqlBatch(connection) { BatchCommands = { new("SELECT 1"), new("DROP TABLE orders"), new("SELECT 2") } })
        {
            var error = await Assert.ThrowsAsync<PostgresException>(() => batch.ExecuteNonQueryAsync());
            Assert.Equal("42501", error.SqlState);
            Assert.Contains("no-ddl-in-prod", error.MessageText, StringComparison.Ordinal);
        }

        await using var next = new NpgsqlCommand("SELECT count(*) FROM orders", connection);
        Assert.Equal(3000L, await next.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_held_write_through_parameters_is_held()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("UPDATE orders SET status = @s WHERE id = @id", connection);
        command.Parameters.AddWithValue("s", "refunded");
        command.Parameters.AddWithValue("id", 5L);
        var error = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("AL0902", error.MessageText, StringComparison.Ordinal);
        Assert.Equal("paid", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT status FROM orders WHERE id = 5")).Trim());
    }

    [Fact]
    public async Task Cancellation_reaches_the_server()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_sleep(30)", connection);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => command.ExecuteNonQueryAsync(cancel.Token));
        Assert.True(error is OperationCanceledException || (error is PostgresException { SqlState: "57014" }), error.ToString());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), "the statement ran on instead of being cancelled");

        await using var after = new NpgsqlCommand("SELECT 1", connection);
        Assert.Equal(1, await after.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_transaction_works_and_reads_inside_it_are_masked()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("SELECT ssn FROM customers WHERE id = 1", connection, transaction);
        var ssn = (string?)await command.ExecuteScalarAsync();
        Assert.NotEqual(SampleData.Ssn, ssn);
        await transaction.CommitAsync();
    }
}
