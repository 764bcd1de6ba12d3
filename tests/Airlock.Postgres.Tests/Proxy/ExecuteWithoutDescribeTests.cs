using System.Buffers.Binary;
using System.Text;
using Airlock.Postgres.Tests.Robustness;
using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>
/// A client may Bind and Execute a prepared statement without ever describing it (the protocol does not
/// require a Describe). The gateway then has no RowDescription to plan by. Regression: the detectors then
/// read no column at all, and a column masked by its name came through raw.
/// </summary>
public sealed class ExecuteWithoutDescribeTests(GatewayHarness gateway) : IClassFixture<GatewayHarness>
{
    [Fact]
    public async Task Text_results_of_an_undescribed_statement_are_masked_by_lineage_name_and_detectors()
    {
        await using var client = await RawPgClient.ConnectAsync(gateway.Port);
        await client.LoginAsync();
        await client.SendAsync(PgFrames.Concat(
            PgFrames.Parse("undescribed", $"SELECT id, full_name, email, 'write to ' || '{SampleData.Email}' AS note FROM customers WHERE id = 1"),
            PgFrames.Bind(string.Empty, "undescribed", []),
            PgFrames.Execute(string.Empty),
            PgFrames.Sync()));
        var reply = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
        Assert.Empty(reply.Errors);
        var row = Values(Assert.Single(reply.Messages, m => m.Type == 'D').Payload);
        Assert.Equal("1", row[0]);
        Assert.StartsWith("tok_", row[1], StringComparison.Ordinal); // full_name: masked by its name
        Assert.NotNull(row[2]);
        Assert.StartsWith("tok_", row[2], StringComparison.Ordinal); // email: by policy, as text
        Assert.StartsWith("write to tok_", row[3], StringComparison.Ordinal); // the detectors read it
    }

    private static List<string?> Values(byte[] payload)
    {
        var values = new List<string?>();
        var position = 2;
        for (var i = 0; i < BinaryPrimitives.ReadInt16BigEndian(payload); i++)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(position));
            position += 4;
            values.Add(length < 0 ? null : Encoding.UTF8.GetString(payload, position, length));
            position += Math.Max(length, 0);
        }

        return values;
    }
}
