using System.Diagnostics;
using System.Text;
using Npgsql;

namespace Airlock.Postgres.Tests.Robustness;

/// <summary>
/// Bad input ends that one connection with a protocol error (FATAL, SQLSTATE 08P01, a message naming what
/// was wrong) wherever the protocol lets the gateway say so, and nothing else: a session opened before it
/// goes on working, and the listener counts no fault (a protocol error is handled, not a fault).
/// </summary>
public sealed class BadInputTests(RobustnessGatewayHarness gateway) : IClassFixture<RobustnessGatewayHarness>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public Task Garbage_before_the_startup_packet_is_a_protocol_error() =>
        ExpectProtocolErrorAsync(
            raw => raw.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")),
            "AL0907: the startup packet has an invalid length 1195725856 (it must be 8 to 10000 bytes)");

    [Fact]
    public Task A_startup_length_below_8_is_refused_as_soon_as_its_four_bytes_arrive() =>
        // Only the length is sent: the gateway must not wait for a code that is never coming.
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Int32(4)), "the startup packet has an invalid length 4", within: TimeSpan.FromSeconds(2));

    [Fact]
    public Task A_startup_length_of_one_gigabyte_is_refused_before_anything_is_buffered() =>
        ExpectProtocolErrorAsync(
            raw => raw.SendAsync(PgFrames.Concat(PgFrames.Int32(1 << 30), PgFrames.Int32(PgFrames.ProtocolVersion3))),
            "the startup packet has an invalid length 1073741824",
            within: TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(2, 0)]
    [InlineData(4, 0)]
    [InlineData(1, 234)]
    public Task A_protocol_version_other_than_3_0_is_refused(int major, int minor) =>
        ExpectProtocolErrorAsync(
            raw => raw.SendAsync(PgFrames.StartupPacket((major << 16) | minor, PgFrames.Concat(PgFrames.CString("user"), PgFrames.CString("alice"), [0]))),
            $"AL0907: unsupported protocol version {major}.{minor}; Airlock speaks 3.0");

    [Theory]
    [InlineData("user\0ali", "malformed startup packet: a string field is not NUL-terminated")]
    [InlineData("user\0alice\0database", "malformed startup packet: a string field is not NUL-terminated")]
    [InlineData("user\0alice\0database\0demo\0", "malformed startup packet: it does not end with the NUL after its last parameter")]
    [InlineData("", "malformed startup packet: it does not end with the NUL after its last parameter")]
    public Task A_startup_packet_that_ends_mid_string_is_refused(string body, string expected) =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.StartupPacket(PgFrames.ProtocolVersion3, Encoding.UTF8.GetBytes(body))), expected);

    [Fact]
    public Task A_startup_packet_that_stops_short_of_its_length_then_closes_just_ends() =>
        ExpectClosedQuietlyAsync(async raw =>
        {
            await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo"))[..12]);
            raw.ShutdownSend();
        });

    [Fact]
    public Task A_password_message_instead_of_the_startup_packet_is_refused() =>
        // 'p' and the first three bytes of its length read as a startup length of 0x70000000.
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Password(Support.GatewayHarness.AliceToken)), "the startup packet has an invalid length 1879048192");

    [Fact]
    public Task Another_message_where_the_password_was_asked_for_is_refused() =>
        ExpectProtocolErrorAsync(
            async raw =>
            {
                await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo")));
                Assert.Equal('R', (await raw.ReadUntilAsync('R', Patience)).Messages.Last().Type);
                await raw.SendAsync(PgFrames.Query("SELECT 1"));
            },
            "AL0907: expected a password message, got 'Q'");

    [Fact]
    public Task A_password_message_with_a_lying_length_is_refused() =>
        ExpectProtocolErrorAsync(
            async raw =>
            {
                await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo")));
                await raw.ReadUntilAsync('R', Patience);
                await raw.SendAsync(PgFrames.Header('p', 3));
            },
            "AL0907: message 'p' has an invalid length 3");

    [Fact]
    public Task A_password_message_after_login_is_an_unexpected_message() =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Password(Support.GatewayHarness.AliceToken)), "AL0907: unexpected message type 'p' from the client", login: true);

    [Fact]
    public Task A_typed_message_with_length_3_is_refused() =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Header('Q', 3)), "AL0907: message 'Q' has an invalid length 3", login: true);

    [Fact]
    public Task A_negative_message_length_is_refused() =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Header('P', int.MinValue)), "AL0907: message 'P' has an invalid length -2147483648", login: true);

    [Fact]
    public Task A_typed_message_claiming_2_GB_is_refused_without_waiting_for_it() =>
        ExpectProtocolErrorAsync(
            raw => raw.SendAsync(PgFrames.Header('Q', int.MaxValue)),
            "AL0907: message 'Q' of 2147483647 bytes is larger than the limit of 67108864 bytes",
            login: true,
            within: TimeSpan.FromSeconds(2));

    [Fact]
    public Task A_truncated_message_then_close_ends_the_connection_without_a_hang() =>
        ExpectClosedQuietlyAsync(
            async raw =>
            {
                await raw.SendAsync(PgFrames.Query("SELECT email FROM customers WHERE id = 1")[..12]);
                raw.ShutdownSend();
            },
            login: true);

    [Fact]
    public Task An_unknown_message_type_after_login_is_refused() =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Message('z', [1, 2, 3])), "AL0907: unexpected message type 'z' from the client", login: true);

    [Theory]
    [InlineData("count", "AL0907: malformed Bind message: a message ends before its fields do")]
    [InlineData("huge-parameter", "AL0907: malformed Bind message: a message ends before its fields do")]
    [InlineData("negative-parameter", "AL0907: malformed Bind message: parameter 1 has an invalid length -2")]
    [InlineData("negative-formats", "AL0907: malformed Bind message: a negative result format count -1")]
    [InlineData("format-code", "AL0907: malformed Bind message: result format code 7 is neither text (0) nor binary (1)")]
    [InlineData("trailing", "AL0907: malformed Bind message: 3 bytes follow its last field")]
    public Task A_bind_whose_counts_do_not_match_its_length_is_refused(string variant, string expected)
    {
        byte[] head = [.. PgFrames.CString(string.Empty), .. PgFrames.CString("s1"), .. PgFrames.Int16(0)];
        var bind = variant switch
        {
            // Two parameters announced, one present.
            "count" => PgFrames.Message('B', head, PgFrames.Int16(2), PgFrames.Int32(1), [(byte)'7'], PgFrames.Int16(0)),

            // A parameter length near int.MaxValue (used to wrap the reader's bounds check around).
            "huge-parameter" => PgFrames.Message('B', head, PgFrames.Int16(1), PgFrames.Int32(int.MaxValue - 2), [(byte)'7'], PgFrames.Int16(0)),
            "negative-parameter" => PgFrames.Message('B', head, PgFrames.Int16(1), PgFrames.Int32(-2), PgFrames.Int16(0)),

            // A negative result format count (used to throw OverflowException: a fault instead of a protocol error).
            "negative-formats" => PgFrames.Message('B', head, PgFrames.Int16(0), PgFrames.Int16(-1)),
            "format-code" => PgFrames.Message('B', head, PgFrames.Int16(0), PgFrames.Int16(1), PgFrames.Int16(7)),
            _ => PgFrames.Message('B', head, PgFrames.Int16(0), PgFrames.Int16(0), [1, 2, 3]),
        };
        return ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Concat(PgFrames.Parse("s1", "SELECT $1::int", 23), bind, PgFrames.Sync())), expected, login: true);
    }

    [Fact]
    public Task A_parse_whose_query_is_not_nul_terminated_is_refused() =>
        ExpectProtocolErrorAsync(
            raw => raw.SendAsync(PgFrames.Concat(PgFrames.Message('P', PgFrames.CString("s1"), Encoding.UTF8.GetBytes("SELECT 1")), PgFrames.Sync())),
            "AL0907: malformed Parse message: a string field is not NUL-terminated",
            login: true);

    [Theory]
    [InlineData("SELECT 1", "AL0907: malformed Query message: a string field is not NUL-terminated")]
    [InlineData("SELECT 1\0DROP TABLE orders\0", "AL0907: malformed Query message: 18 bytes follow its last field")]
    public Task A_query_whose_string_does_not_end_where_the_message_does_is_refused(string payload, string expected) =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Message('Q', Encoding.UTF8.GetBytes(payload))), expected, login: true);

    [Fact]
    public Task A_data_row_sent_by_the_client_is_refused() =>
        // 'D' from a client is Describe; a DataRow's payload (1 column, "1") is no Describe.
        ExpectProtocolErrorAsync(
            raw => raw.SendAsync(PgFrames.Concat(PgFrames.Message('D', PgFrames.Int16(1), PgFrames.Int32(1), [(byte)'1']), PgFrames.Sync())),
            "AL0907: malformed Describe message: '0x00' is neither 'S' (statement) nor 'P' (portal)",
            login: true);

    [Theory]
    [InlineData('C', "AL0907: malformed Close message: 'x' is neither 'S' (statement) nor 'P' (portal)")]
    [InlineData('S', "AL0907: malformed Sync message: it should have no fields but has 3 bytes")]
    [InlineData('H', "AL0907: malformed Flush message: it should have no fields but has 3 bytes")]
    [InlineData('E', "AL0907: malformed Execute message: a message ends before its fields do")]
    public Task Other_malformed_extended_protocol_messages_are_refused(char type, string expected) =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Message(type, [(byte)'x', 0, 0])), expected, login: true);

    [Fact]
    public Task Backend_only_message_types_from_the_client_are_refused() =>
        ExpectProtocolErrorAsync(raw => raw.SendAsync(PgFrames.Message('Z', [(byte)'I'])), "AL0907: unexpected message type 'Z' from the client", login: true);

    [Fact]
    public async Task A_client_that_sends_nothing_is_dropped_at_the_login_timeout()
    {
        var started = Stopwatch.StartNew();
        await ExpectProtocolErrorAsync(_ => Task.CompletedTask, "AL0915: the startup and login did not finish within 3 seconds");
        Assert.True(started.Elapsed >= RobustnessGatewayHarness.LoginTimeout - TimeSpan.FromMilliseconds(200), $"dropped after {started.Elapsed}, before the login timeout");
    }

    [Fact]
    public async Task A_client_that_stalls_after_the_startup_packet_is_dropped_at_the_login_timeout()
    {
        var started = Stopwatch.StartNew();
        await ExpectProtocolErrorAsync(
            raw => raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo"))),
            "AL0915: the startup and login did not finish within 3 seconds");
        Assert.True(started.Elapsed >= RobustnessGatewayHarness.LoginTimeout - TimeSpan.FromMilliseconds(200), $"dropped after {started.Elapsed}");
    }

    [Fact]
    public Task Garbage_instead_of_a_tls_handshake_ends_the_connection_without_a_fault() =>
        // The TLS handshake fails (AuthenticationException); that is the client's failure, not the gateway's fault.
        ExpectClosedQuietlyAsync(async raw =>
        {
            await raw.SendAsync(PgFrames.StartupPacket(PgFrames.SslRequestCode, []));
            Assert.Equal('S', await raw.ReadByteAsync(Patience));
            await raw.SendAsync(Encoding.ASCII.GetBytes("this is not a TLS ClientHello, not at all\r\n\r\n"));
        });

    [Fact]
    public async Task A_client_that_leaves_during_login_leaves_no_session_open()
    {
        await using var healthy = await OpenHealthyAsync();
        var faults = gateway.Listener.ConnectionFaults;
        for (var i = 0; i < 10; i++)
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Concat(PgFrames.Startup(("user", "alice"), ("database", "demo")), PgFrames.Password(Support.GatewayHarness.AliceToken)));
            if (i % 2 == 0)
            {
                raw.Abort();
            }
        }

        await AssertOthersUnharmedAsync(healthy, faults);
        await WaitForAsync(() => gateway.Sessions.Open.Count == 1, "sessions of clients that left during login are still open: " + gateway.Sessions.Open.Count);
    }

    [Fact]
    public async Task Many_bad_connections_at_once_leave_a_session_opened_before_working()
    {
        await using var healthy = await OpenHealthyAsync();
        var faults = gateway.Listener.ConnectionFaults;
        byte[][] payloads =
        [
            Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\n\r\n"),
            PgFrames.Int32(3),
            PgFrames.StartupPacket(2 << 16, [0]),
            PgFrames.Password("x"),
            PgFrames.StartupPacket(PgFrames.ProtocolVersion3, Encoding.UTF8.GetBytes("user\0")),
        ];
        var bad = Enumerable.Range(0, 50).Select(async i =>
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            await raw.SendAsync(payloads[i % payloads.Length]);
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, reply.ToString());
            Assert.Equal("08P01", Assert.Single(reply.Errors)['C']);
        });
        await Task.WhenAll(bad);
        await AssertOthersUnharmedAsync(healthy, faults);
    }

    [Fact]
    public async Task Hundreds_of_connections_that_fail_at_once_all_leave_the_listeners_books()
    {
        // A connection that ended before the accept loop had put it on the books used to be put there after, for
        // good: ConnectionCount never came back down. The fuzz test found it under load; the window is narrow,
        // so this is a guard that widens the chance, not a sure reproduction.
        await using var healthy = await OpenHealthyAsync();
        var faults = gateway.Listener.ConnectionFaults;
        var bad = PgFrames.Concat(PgFrames.Int32(4), PgFrames.Int32(0));
        for (var round = 0; round < 4; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
            {
                await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
                await raw.SendAsync(bad);
                Assert.True((await raw.ReadUntilClosedAsync(Patience)).Closed);
            }));
        }

        await AssertOthersUnharmedAsync(healthy, faults);
    }

    /// <summary>Sends the bad input on a fresh connection and expects FATAL 08P01 with exactly this message, then the close.</summary>
    private async Task ExpectProtocolErrorAsync(Func<RawPgClient, Task> send, string expectedMessage, bool login = false, TimeSpan? within = null)
    {
        await using var healthy = await OpenHealthyAsync();
        var faults = gateway.Listener.ConnectionFaults;
        await using (var raw = await RawPgClient.ConnectAsync(gateway.Port))
        {
            if (login)
            {
                await raw.LoginAsync();
            }

            var started = Stopwatch.StartNew();
            await send(raw);
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, "the gateway did not close the connection: " + reply);
            var error = Assert.Single(reply.Errors);
            Assert.Equal("FATAL", error['S']);
            Assert.Equal("08P01", error['C']);
            Assert.StartsWith(expectedMessage.StartsWith("AL09", StringComparison.Ordinal) ? expectedMessage : "AL0907: " + expectedMessage, error['M'], StringComparison.Ordinal);
            Assert.Equal('E', reply.Messages[^1].Type);
            Assert.Equal(0, reply.Leftover);
            if (within is { } limit)
            {
                Assert.True(started.Elapsed < limit, $"the error came after {started.Elapsed}");
            }
        }

        await AssertOthersUnharmedAsync(healthy, faults);
    }

    /// <summary>The connection ends (the gateway closes it) without an error message: there is nobody to tell.</summary>
    private async Task ExpectClosedQuietlyAsync(Func<RawPgClient, Task> send, bool login = false)
    {
        await using var healthy = await OpenHealthyAsync();
        var faults = gateway.Listener.ConnectionFaults;
        await using (var raw = await RawPgClient.ConnectAsync(gateway.Port))
        {
            if (login)
            {
                await raw.LoginAsync();
            }

            await send(raw);
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, "the gateway did not close the connection: " + reply);
            Assert.Empty(reply.Errors);
        }

        await AssertOthersUnharmedAsync(healthy, faults);
    }

    private async Task<NpgsqlConnection> OpenHealthyAsync()
    {
        var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The session opened before still runs SELECT 1; every other connection has ended; no fault was counted.</summary>
    private async Task AssertOthersUnharmedAsync(NpgsqlConnection healthy, int faultsBefore)
    {
        await using (var command = new NpgsqlCommand("SELECT 1", healthy))
        {
            Assert.Equal(1, await command.ExecuteScalarAsync());
        }

        await WaitForAsync(() => gateway.Listener.ConnectionCount == 1, $"connections still open: {gateway.Listener.ConnectionCount}");
        Assert.True(gateway.Listener.ConnectionFaults == faultsBefore, $"the listener counted {gateway.Listener.ConnectionFaults - faultsBefore} fault(s); last: {gateway.Listener.LastFault}");
    }

    private static async Task WaitForAsync(Func<bool> condition, string failure)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Patience, failure);
            await Task.Delay(20);
        }
    }
}
