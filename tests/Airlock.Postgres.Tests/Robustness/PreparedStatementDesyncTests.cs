using System.Text;
using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Robustness;

/// <summary>
/// The gateway's picture of the server's prepared statements, portals and pending answers must not drift
/// from the server's after errors: a Parse the server refuses or skips leaves the name meaning what it meant
/// before, and an error skips the rest of the batch even when it arrives before the batch's Sync was sent.
/// A drift would plan (and mask) rows by the wrong statement. Rows come back in binary format here, so only
/// the plan, not the detectors, stands between them and the client.
/// </summary>
public sealed class PreparedStatementDesyncTests(RobustnessGatewayHarness gateway) : IClassFixture<RobustnessGatewayHarness>
{
    private const string SsnQuery = "SELECT ssn FROM customers WHERE id = 1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Binding_a_name_whose_second_parse_the_server_refused_ends_the_connection_instead_of_leaking()
    {
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();
        await raw.SendAsync(PgFrames.Concat(PgFrames.Parse("s1", SsnQuery), PgFrames.Sync()));
        Assert.Equal("1Z", Types(await raw.ReadUntilAsync('Z', Patience)));

        // The server keeps the first s1 ("already exists"); the gateway used to believe the second one.
        await raw.SendAsync(PgFrames.Concat(PgFrames.Parse("s1", "SELECT 'x'::text"), PgFrames.Sync()));
        var refused = await raw.ReadUntilAsync('Z', Patience);
        Assert.Equal("42P05", Assert.Single(refused.Errors)['C']);

        await raw.SendAsync(PgFrames.Concat(PgFrames.Bind(string.Empty, "s1", [], 1), PgFrames.Execute(string.Empty), PgFrames.Sync()));
        var reply = await raw.ReadUntilClosedAsync(Patience);
        AssertNoSsn(reply);
        Assert.True(reply.Closed, reply.ToString());
        var error = Assert.Single(reply.Errors);
        Assert.Equal("08P01", error['C']);
        Assert.StartsWith("AL0907: prepared statement \"s1\" was not created by its last Parse", error['M'], StringComparison.Ordinal);
        Assert.Equal(0, gateway.Listener.ConnectionFaults);
    }

    [Fact]
    public async Task Binding_an_unnamed_statement_whose_parse_was_skipped_after_an_error_ends_the_connection_instead_of_leaking()
    {
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();
        await raw.SendAsync(PgFrames.Concat(PgFrames.Parse(string.Empty, SsnQuery), PgFrames.Sync()));
        await raw.ReadUntilAsync('Z', Patience);

        // The Bind fails, so the server skips the Parse after it: the unnamed statement is still the SSN query.
        await raw.SendAsync(PgFrames.Concat(PgFrames.Bind(string.Empty, "nosuch", []), PgFrames.Parse(string.Empty, "SELECT 'x'::text"), PgFrames.Sync()));
        Assert.Equal("26000", Assert.Single((await raw.ReadUntilAsync('Z', Patience)).Errors)['C']);

        await raw.SendAsync(PgFrames.Concat(PgFrames.Bind(string.Empty, string.Empty, [], 1), PgFrames.Execute(string.Empty), PgFrames.Sync()));
        var reply = await raw.ReadUntilClosedAsync(Patience);
        AssertNoSsn(reply);
        Assert.True(reply.Closed, reply.ToString());
        Assert.StartsWith("AL0907: prepared statement \"\" was not created by its last Parse", Assert.Single(reply.Errors)['M'], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_portal_bound_to_a_statement_the_gateway_does_not_know_never_borrows_an_older_portals_plan()
    {
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();

        // s1 is the SSN query; the unnamed portal is planned for a harmless one.
        await raw.SendAsync(PgFrames.Concat(
            PgFrames.Parse("s1", SsnQuery),
            PgFrames.Parse(string.Empty, "SELECT 'x'::text"),
            PgFrames.Bind(string.Empty, string.Empty, [], 1),
            PgFrames.Execute(string.Empty),
            PgFrames.Sync()));
        await raw.ReadUntilAsync('Z', Patience);

        // The Close of s1 is skipped after the failed Bind: the server still has s1, the gateway forgot it.
        await raw.SendAsync(PgFrames.Concat(PgFrames.Bind(string.Empty, "nosuch", []), PgFrames.Close('S', "s1"), PgFrames.Sync()));
        await raw.ReadUntilAsync('Z', Patience);

        await raw.SendAsync(PgFrames.Concat(PgFrames.Bind(string.Empty, "s1", [], 1), PgFrames.Execute(string.Empty), PgFrames.Sync()));
        var reply = await raw.ReadUntilAsync('Z', Patience);
        AssertNoSsn(reply);
        Assert.DoesNotContain(reply.Messages, m => m.Type == 'D');
        Assert.Equal('Z', reply.Messages[^1].Type);
    }

    [Fact]
    public async Task An_error_that_arrives_before_the_batch_is_finished_does_not_misalign_later_results()
    {
        await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
        await raw.LoginAsync();

        // The Bind fails (one parameter for none), and the server says so at once, before the client has sent the
        // rest of the batch: the Describe and Execute that follow are skipped by the server, and must be by the gateway.
        await raw.SendAsync(PgFrames.Concat(PgFrames.Parse(string.Empty, "SELECT 1"), PgFrames.Bind(string.Empty, string.Empty, ["41"])));
        Assert.Equal("08P01", Assert.Single((await raw.ReadUntilAsync('E', Patience)).Errors)['C']);
        await raw.SendAsync(PgFrames.Concat(PgFrames.Describe('P', string.Empty), PgFrames.Execute(string.Empty), PgFrames.Sync()));
        Assert.Equal("Z", Types(await raw.ReadUntilAsync('Z', Patience)));

        // The next batch's rows are planned by its own statement, and masked.
        await raw.SendAsync(PgFrames.Concat(
            PgFrames.Parse(string.Empty, SsnQuery),
            PgFrames.Bind(string.Empty, string.Empty, [], 1),
            PgFrames.Execute(string.Empty),
            PgFrames.Sync()));
        var reply = await raw.ReadUntilAsync('Z', Patience);
        AssertNoSsn(reply);
        Assert.Matches("^12DN?CZ$", Types(reply)); // N: the AL0903 notice when the masked value became NULL
        Assert.Equal(1, reply.Messages.Count(m => m.Type == 'D'));
    }

    private static void AssertNoSsn(BackendReply reply) =>
        Assert.DoesNotContain(reply.Messages, m => Encoding.UTF8.GetString(m.Payload).Contains(SampleData.Ssn, StringComparison.Ordinal));

    private static string Types(BackendReply reply) => new([.. reply.Messages.Select(m => m.Type)]);
}
