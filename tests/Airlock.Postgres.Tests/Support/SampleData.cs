namespace Airlock.Postgres.Tests.Support;

/// <summary>A small version of the demo schema, with PII whose masking the tests can check.</summary>
public static class SampleData
{
    public const string Email = "jane.doe@example.com";
    public const string Card = "4111111111111111";
    public const string Ssn = "123-45-6789";
    public const string Phone = "+14155552671";

    public const string Schema = $"""
        CREATE TABLE customers (id bigint PRIMARY KEY, full_name text, email text, phone text, card_number text, ssn text, created_at timestamptz DEFAULT now());
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers, amount_cents bigint, status text, created_at timestamptz DEFAULT now());
        INSERT INTO customers (id, full_name, email, phone, card_number, ssn)
          SELECT i, 'Customer ' || i, CASE WHEN i = 1 THEN '{Email}' ELSE 'user' || i || '@example.org' END, '{Phone}', '{Card}', '{Ssn}' FROM generate_series(1, 1500) i;
        INSERT INTO orders (id, customer_id, amount_cents, status) SELECT i, 1 + i % 1500, i * 100, 'paid' FROM generate_series(1, 3000) i;
        """;
}
