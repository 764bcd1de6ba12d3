using Airlock.Postgres.Tests.Support;
using Npgsql;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>A masked value stays valid for its column type; where it cannot, it becomes NULL with a notice.</summary>
public sealed class MaskedTypeTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task A_sensitive_value_of_a_non_text_type_becomes_null_with_a_notice()
    {
        var notices = new List<string>();
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT card_number::numeric AS n, id FROM customers WHERE id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.True(await reader.IsDBNullAsync(0));
        Assert.Equal(1L, reader.GetInt64(1));

        // The notice follows the row; it has arrived once the result is read to its end.
        Assert.False(await reader.ReadAsync());
        Assert.Contains(notices, n => n.StartsWith("AL0903", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_masked_text_value_in_binary_format_is_still_valid_text()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();

        // Npgsql asks for binary results; text's binary form is its UTF-8 bytes.
        await using var command = new NpgsqlCommand("SELECT ssn, phone, to_jsonb(email) FROM customers WHERE id = 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.NotEqual(SampleData.Ssn, reader.GetString(0));
        Assert.NotEqual(SampleData.Phone, reader.GetString(1));
        var json = reader.GetString(2);
        Assert.DoesNotContain(SampleData.Email, json, StringComparison.Ordinal);
    }
}
