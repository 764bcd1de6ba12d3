using System.Text;
using Airlock.Postgres.Tests.Support;
using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// The gateway with the sample policy, for the adversarial suite (docs/security.md, classes A–U): alice
/// attacks with read access, as a careless or malicious engineer would. Besides the sample data it plants
/// one customer whose every value is distinctive, and a <c>card_vault</c> table that policy denies, so a
/// test can look for the raw values in everything the client, the audit trail and the server log got.
/// </summary>
/// <remarks>
/// Each case asserts three things: nothing was written (<see cref="WriteFingerprintAsync"/> before and after),
/// no planted raw value reached the client or the audit (<see cref="AssertNoPlantedValue"/>,
/// <see cref="AssertAuditHoldsNoPlantedValueAsync"/>), and the refusal carries its stable id.
/// </remarks>
public class AdversarialHarness : GatewayHarness
{
    /// <summary>The planted customer's id.</summary>
    public const long PlantedId = 9001;

    public const string PlantedName = "Zebulon Quixote-Marchetti";
    public const string PlantedEmail = "zebulon.quixote@planted-example.com";
    public const string PlantedCard = "5500005555555559";
    public const string PlantedSsn = "078-05-1120";
    public const string PlantedPhone = "+442071838750";
    public const string VaultSecret = "vault-secret-Kq7Zp2Xw9";

    /// <summary>Every raw value that must never reach a client, the trail or a log unmasked.</summary>
    public static readonly IReadOnlyList<string> PlantedValues =
    [
        PlantedName, "Zebulon", "Quixote", PlantedEmail, PlantedCard, "5500 0055 5555 5559", PlantedSsn, "078051120",
        PlantedPhone, VaultSecret, SampleData.Ssn, SampleData.Card, SampleData.Email,
    ];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Cluster.RunPsqlAsync("demo", $"""
            INSERT INTO customers (id, full_name, email, phone, card_number, ssn)
              VALUES ({PlantedId}, '{PlantedName}', '{PlantedEmail}', '{PlantedPhone}', '{PlantedCard}', '{PlantedSsn}');
            CREATE TABLE card_vault (id bigint PRIMARY KEY, customer_id bigint, pan text, secret text);
            INSERT INTO card_vault VALUES (1, {PlantedId}, '{PlantedCard}', '{VaultSecret}');
            CREATE SCHEMA billing;
            CREATE TABLE billing.invoices (id bigint PRIMARY KEY, customer_id bigint, amount_cents bigint, note text);
            INSERT INTO billing.invoices VALUES (1, {PlantedId}, 4200, '{VaultSecret}');
            ANALYZE;
            """);
    }

    /// <summary>A direct superuser connection to the demo database, past the gateway.</summary>
    public NpgsqlConnection DirectConnection() =>
        new(Cluster.ConnectionString("demo"));

    /// <summary>
    /// A digest of every user table's content, read directly from PostgreSQL: equal before and after a case
    /// means the case wrote nothing.
    /// </summary>
    public async Task<string> WriteFingerprintAsync()
    {
        await using var connection = DirectConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT string_agg(t.name || ':' || t.digest, ',' ORDER BY t.name) FROM (
              SELECT 'customers' AS name, md5(coalesce(string_agg(c::text, '|' ORDER BY c.id), '')) AS digest FROM customers c
              UNION ALL SELECT 'orders', md5(coalesce(string_agg(o::text, '|' ORDER BY o.id), '')) FROM orders o
              UNION ALL SELECT 'card_vault', md5(coalesce(string_agg(v::text, '|' ORDER BY v.id), '')) FROM card_vault v
              UNION ALL SELECT 'invoices', md5(coalesce(string_agg(i::text, '|' ORDER BY i.id), '')) FROM billing.invoices i
              UNION ALL SELECT 'tables', string_agg(schemaname || '.' || tablename, ' ' ORDER BY schemaname, tablename)
                FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
            ) t
            """,
            connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Fails if any planted raw value appears in <paramref name="text"/> (what a client, a log or a trail got).</summary>
    public static void AssertNoPlantedValue(string text, string where = "the client's output")
    {
        foreach (var value in PlantedValues)
        {
            Assert.False(text.Contains(value, StringComparison.OrdinalIgnoreCase), $"{where} holds the raw value '{value}':\n{Shorten(text)}");
        }
    }

    /// <summary>Every stored audit event's body, as one text.</summary>
    public async Task<string> AuditTextAsync()
    {
        var builder = new StringBuilder();
        foreach (var stored in await AuditEventsAsync())
        {
            builder.AppendLine(System.Text.Json.JsonSerializer.Serialize(stored));
        }

        return builder.ToString();
    }

    /// <summary>Fails if the audit trail holds any planted raw value.</summary>
    public async Task AssertAuditHoldsNoPlantedValueAsync() =>
        AssertNoPlantedValue(await AuditTextAsync(), "the audit trail");

    /// <summary>
    /// Runs <paramref name="attack"/> and asserts the three invariants of the suite: the tables are as they
    /// were, and neither the returned client output nor the audit trail holds a planted value.
    /// </summary>
    public async Task AssertHarmlessAsync(Func<Task<string>> attack)
    {
        var before = await WriteFingerprintAsync();
        var output = await attack();
        AssertNoPlantedValue(output);
        Assert.Equal(before, await WriteFingerprintAsync());
        await AssertAuditHoldsNoPlantedValueAsync();
    }

    /// <summary>psql's stdout and stderr together, as the person at the terminal saw them.</summary>
    public async Task<string> PsqlOutputAsync(string sql, string user = "alice", string token = AliceToken, params string[] extra)
    {
        var result = await PsqlAsync(sql, user, token, extra);
        return result.StandardOutput + "\n" + result.StandardError;
    }

    private static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + "…";
}
