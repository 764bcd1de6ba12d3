namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>The suite's own checks can fail: a planted value is visible directly, and a direct write changes the fingerprint.</summary>
public sealed class HarnessSanityTests(AdversarialHarness gateway) : IClassFixture<AdversarialHarness>
{
    [Fact]
    public async Task The_planted_values_are_there_and_the_checks_see_them()
    {
        await using var connection = gateway.DirectConnection();
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT full_name || ' ' || ssn FROM customers WHERE id = {AdversarialHarness.PlantedId}", connection);
        var raw = (string)(await command.ExecuteScalarAsync())!;
        Assert.ThrowsAny<Exception>(() => AdversarialHarness.AssertNoPlantedValue(raw));
    }

    [Fact]
    public async Task A_direct_write_changes_the_fingerprint_and_a_masked_read_through_the_gateway_is_harmless()
    {
        var before = await gateway.WriteFingerprintAsync();
        await gateway.AssertHarmlessAsync(() => gateway.PsqlOutputAsync($"SELECT full_name, email, ssn, card_number FROM customers WHERE id = {AdversarialHarness.PlantedId}"));

        await using var connection = gateway.DirectConnection();
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("UPDATE orders SET status = 'sanity' WHERE id = 3000", connection);
        await command.ExecuteNonQueryAsync();
        Assert.NotEqual(before, await gateway.WriteFingerprintAsync());
    }
}
