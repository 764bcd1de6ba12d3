using Airlock.Gateway.Demo;
using Npgsql;

namespace Airlock.Gateway.Tests.Demo;

public sealed class DemoDatabaseTests(DemoDatabaseFixture fixture) : IClassFixture<DemoDatabaseFixture>
{
    private DemoDatabase Database => fixture.Database;

    private async Task<NpgsqlConnection> ConnectAsync(string? password = null, string? user = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(Database.ConnectionString()) { Pooling = false };
        builder.Password = password ?? builder.Password;
        builder.Username = user ?? builder.Username;
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public void It_listens_on_the_loopback_address_with_the_demo_names()
    {
        Assert.Equal(("127.0.0.1", "demo", "airlock_demo"), (Database.Host, Database.Database, Database.User));
        Assert.InRange(Database.Port, 1, 65535);
        Assert.Equal(32, Database.Password.Length);
        Assert.Equal(Path.Combine(Database.Directory, "pgdata"), Database.DataDirectory);
        Assert.True(File.Exists(Path.Combine(Database.DataDirectory, "PG_VERSION")));
    }

    [Fact]
    public async Task The_role_logs_in_with_its_password_and_sees_ten_thousand_customers_and_fifty_thousand_orders()
    {
        await using var connection = await ConnectAsync();

        Assert.Equal(10_000L, await ScalarAsync<long>(connection, "SELECT count(*) FROM customers"));
        Assert.Equal(50_000L, await ScalarAsync<long>(connection, "SELECT count(*) FROM orders"));
        Assert.Equal("airlock_demo", await ScalarAsync<string>(connection, "SELECT current_user"));
    }

    [Fact]
    public async Task The_loaded_rows_are_the_generated_ones_and_card_numbers_pass_Luhn()
    {
        await using var connection = await ConnectAsync();
        var expected = DemoData.Customers(5);
        await using var command = new NpgsqlCommand("SELECT id, full_name, email, phone, card_number, ssn, created_at FROM customers ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var cards = 0;
        while (await reader.ReadAsync())
        {
            var id = reader.GetInt64(0);
            var card = reader.GetString(4);
            Assert.True(DemoData.IsLuhnValid(card), $"customer {id}");
            cards++;
            if (id <= expected.Count)
            {
                var e = expected[(int)id - 1];
                Assert.Equal((e.FullName, e.Email, e.Phone, e.CardNumber, e.Ssn), (reader.GetString(1), reader.GetString(2), reader.GetString(3), card, reader.GetString(5)));
                Assert.Equal(e.CreatedAt, await reader.GetFieldValueAsync<DateTimeOffset>(6));
            }
        }

        Assert.Equal(10_000, cards);
    }

    [Fact]
    public async Task Orders_reference_customers_by_a_foreign_key()
    {
        await using var connection = await ConnectAsync();

        Assert.Equal(1L, await ScalarAsync<long>(connection, "SELECT count(*) FROM pg_constraint WHERE conname = 'orders_customer_id_fkey' AND contype = 'f'"));
        var error = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<int>(connection, "INSERT INTO orders VALUES (50001, 999999, 100, 'paid', now()) RETURNING 1"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
    }

    [Fact]
    public async Task The_role_has_every_privilege_on_the_tables()
    {
        await using var connection = await ConnectAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        Assert.Equal(1, await ScalarAsync<int>(connection, "WITH u AS (UPDATE customers SET email = 'changed@example.com' WHERE id = 1 RETURNING 1) SELECT count(*)::int FROM u"));
        Assert.Equal(1, await ScalarAsync<int>(connection, "WITH d AS (DELETE FROM orders WHERE id = 1 RETURNING 1) SELECT count(*)::int FROM d"));
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task A_wrong_password_is_refused()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => ConnectAsync(password: "not-the-password"));

        Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState);
    }

    [Fact]
    public async Task The_superuser_cannot_log_in_over_TCP()
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => ConnectAsync(password: "anything", user: "postgres"));

        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, error.SqlState);
    }
}
