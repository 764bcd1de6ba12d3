using System.Text;
using Airlock.Postgres.Tests.Robustness;
using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>
/// A refused statement fails its transaction block as a server error does: the client sees the gateway's
/// refusal, then ReadyForQuery with status 'E', and a COMMIT after it rolls back. Otherwise the work before
/// the refusal would commit as if nothing had failed. Alice may read and write here (the bench policy), and
/// DDL is denied by default.
/// </summary>
public sealed class RefusalInTransactionTests(BenchGatewayHarness gateway) : IClassFixture<BenchGatewayHarness>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_refused_simple_query_aborts_the_transaction_and_commit_rolls_back()
    {
        var table = await ProbeTableAsync();
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();
        Assert.Equal('T', Status(await QueryAsync(raw, "BEGIN")));
        Assert.Equal('T', Status(await QueryAsync(raw, $"INSERT INTO {table} VALUES (1)")));

        var refused = await QueryAsync(raw, "DROP TABLE customers");
        var error = Assert.Single(refused.Errors);
        Assert.Equal("42501", error['C']);
        Assert.StartsWith("AL0901", error['M'], StringComparison.Ordinal);
        Assert.Equal("EZ", Types(refused)); // the gateway's error in place of the server's, nothing else
        Assert.Equal('E', Status(refused));

        var commit = await QueryAsync(raw, "COMMIT");
        Assert.Equal("ROLLBACK", CommandTag(commit));
        Assert.Equal('I', Status(commit));
        Assert.Equal("0", (await gateway.Cluster.RunPsqlAsync("demo", $"SELECT count(*) FROM {table}")).Trim());
        Assert.Equal("t", (await gateway.Cluster.RunPsqlAsync("demo", "SELECT to_regclass('public.customers') IS NOT NULL")).Trim());
    }

    [Fact]
    public async Task A_refused_parse_aborts_the_transaction_and_the_rest_of_the_batch_is_skipped()
    {
        var table = await ProbeTableAsync();
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();
        Assert.Equal('T', Status(await QueryAsync(raw, "BEGIN")));
        await raw.SendAsync(PgFrames.Concat(PgFrames.Parse(string.Empty, $"INSERT INTO {table} VALUES (2)"), PgFrames.Bind(string.Empty, string.Empty, []), PgFrames.Execute(string.Empty), PgFrames.Sync()));
        var inserted = await raw.ReadUntilAsync('Z', Patience);
        Assert.Equal("12CZ", Types(inserted));
        Assert.Equal('T', Status(inserted));

        await raw.SendAsync(PgFrames.Concat(
            PgFrames.Parse(string.Empty, "DROP TABLE customers"),
            PgFrames.Bind(string.Empty, string.Empty, []),
            PgFrames.Execute(string.Empty),
            PgFrames.Sync()));
        var refused = await raw.ReadUntilAsync('Z', Patience);
        Assert.Equal("EZ", Types(refused));
        Assert.Equal("42501", Assert.Single(refused.Errors)['C']);
        Assert.Equal('E', Status(refused));

        // In the failed block the server refuses everything but the end of it, as PostgreSQL always does.
        var after = await QueryAsync(raw, "SELECT 1");
        Assert.Equal("25P02", Assert.Single(after.Errors)['C']);
        Assert.Equal("ROLLBACK", CommandTag(await QueryAsync(raw, "COMMIT")));
        Assert.Equal("0", (await gateway.Cluster.RunPsqlAsync("demo", $"SELECT count(*) FROM {table}")).Trim());

        // And the session goes on.
        var next = await QueryAsync(raw, "SELECT 41 + 1");
        Assert.Empty(next.Errors);
        Assert.Equal('I', Status(next));
    }

    [Fact]
    public async Task A_refusal_outside_a_transaction_leaves_the_session_idle_and_usable()
    {
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();
        var refused = await QueryAsync(raw, "DROP TABLE customers");
        Assert.Equal("EZ", Types(refused));
        Assert.Equal('I', Status(refused));

        await raw.SendAsync(PgFrames.FunctionCall());
        var fastpath = await raw.ReadUntilAsync('Z', Patience);
        Assert.Equal("EZ", Types(fastpath));
        Assert.StartsWith("AL0906", Assert.Single(fastpath.Errors)['M'], StringComparison.Ordinal);

        var next = await QueryAsync(raw, "SELECT 1");
        Assert.Empty(next.Errors);
        Assert.Equal('I', Status(next));
    }

    private async Task<string> ProbeTableAsync()
    {
        var table = "refusal_probe_" + Guid.NewGuid().ToString("N")[..8];
        await gateway.Cluster.RunPsqlAsync("demo", $"CREATE TABLE {table} (id int)");
        return table;
    }

    private static async Task<BackendReply> QueryAsync(RawPgClient raw, string sql)
    {
        await raw.SendAsync(PgFrames.Query(sql));
        return await raw.ReadUntilAsync('Z', Patience);
    }

    private static char Status(BackendReply reply) => (char)Assert.Single(reply.Messages, m => m.Type == 'Z').Payload[0];

    private static string CommandTag(BackendReply reply) => Encoding.UTF8.GetString(Assert.Single(reply.Messages, m => m.Type == 'C').Payload).TrimEnd('\0');

    private static string Types(BackendReply reply) => new([.. reply.Messages.Where(m => m.Type is not ('N' or 'S')).Select(m => m.Type)]);
}
