using Npgsql;
using NpgsqlTypes;

namespace Airlock.Gateway.Demo;

public sealed partial class DemoDatabase
{
    /// <summary>Creates the role, the database and its tables over the socket as the superuser, and loads the rows by binary COPY.</summary>
    private async Task LoadAsync(DemoDatabaseOptions options, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = SocketDirectory,
            Port = Port,
            Username = SuperUser,
            Database = "postgres",
            Pooling = false,
            Timeout = 30,
            CommandTimeout = 300,
        };
        await using (var admin = new NpgsqlConnection(builder.ConnectionString))
        {
            await admin.OpenAsync(cancellationToken);

            // The role gets the SCRAM verifier, not the password: the server never sees the password itself.
            await ExecuteAsync(admin, $"CREATE ROLE {RoleName} LOGIN PASSWORD '{ScramVerifier.Create(Password)}'", cancellationToken);
            await ExecuteAsync(admin, $"CREATE DATABASE {DatabaseName}", cancellationToken);
        }

        builder.Database = DatabaseName;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE customers (
                id          bigint PRIMARY KEY,
                full_name   text NOT NULL,
                email       text NOT NULL,
                phone       text NOT NULL,
                card_number text NOT NULL,
                ssn         text NOT NULL,
                created_at  timestamptz NOT NULL
            );
            CREATE TABLE orders (
                id           bigint PRIMARY KEY,
                customer_id  bigint NOT NULL,
                amount_cents bigint NOT NULL,
                status       text NOT NULL,
                created_at   timestamptz NOT NULL
            );
            COMMENT ON TABLE customers IS 'airlock demo: sample customers with fictional PII';
            COMMENT ON TABLE orders IS 'airlock demo: sample orders';
            """,
            cancellationToken);

        var customers = DemoData.Customers(options.Customers, options.Seed);
        var orders = DemoData.Orders(customers, options.Orders, options.Seed);
        await CopyCustomersAsync(connection, customers, cancellationToken);
        await CopyOrdersAsync(connection, orders, cancellationToken);

        // Keys after the load: one check of the whole table is faster than one per copied row.
        await ExecuteAsync(
            connection,
            $"""
            ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);
            CREATE INDEX orders_customer_id_idx ON orders (customer_id);
            REVOKE ALL ON DATABASE {DatabaseName} FROM PUBLIC;
            GRANT CONNECT, TEMPORARY ON DATABASE {DatabaseName} TO {RoleName};
            GRANT USAGE ON SCHEMA public TO {RoleName};
            GRANT ALL PRIVILEGES ON TABLE customers, orders TO {RoleName};
            ANALYZE customers;
            ANALYZE orders;
            """,
            cancellationToken);
    }

    private static async Task CopyCustomersAsync(NpgsqlConnection connection, IReadOnlyList<DemoCustomer> customers, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY customers (id, full_name, email, phone, card_number, ssn, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var c in customers)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(c.Id, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(c.FullName, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(c.Email, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(c.Phone, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(c.CardNumber, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(c.Ssn, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(c.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task CopyOrdersAsync(NpgsqlConnection connection, IReadOnlyList<DemoOrder> orders, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY orders (id, customer_id, amount_cents, status, created_at) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var o in orders)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(o.Id, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(o.CustomerId, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(o.AmountCents, NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(o.Status, NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(o.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
