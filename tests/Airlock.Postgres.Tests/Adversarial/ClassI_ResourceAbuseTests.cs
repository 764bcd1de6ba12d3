using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Airlock.Audit;
using Airlock.Postgres.Proxy;
using Airlock.Postgres.Tests.Robustness;
using Airlock.Postgres.Tests.Support;
using Npgsql;
using static Airlock.Postgres.Tests.Adversarial.AdversarialSessionSupport;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>The sample gateway with few seats for connections that are logging in, so the cap can be filled.</summary>
public sealed class ClassIHarness : AdversarialHarness
{
    public const int LoginSeats = 6;

    protected override PgGatewayOptions ConfigureGateway(PgGatewayOptions options) => options with { MaxUnauthenticated = LoginSeats };
}

/// <summary>
/// Class I (issue 14), the protocol and session part: what one client may hold. Messages before login are
/// capped at 64 KiB and refused from their header (AL0956); connections logging in at once are capped
/// (AL0957); statements over 1 MiB are refused unread (AL0958) and audited by length and hash; audit text is
/// capped with a hash; policy caps one person's sessions (AL0959); policy's timeouts can only be shortened
/// (AL0954); cancel keys come from the CSPRNG.
/// </summary>
public sealed class ClassI_ResourceAbuseTests(ClassIHarness gateway) : IClassFixture<ClassIHarness>
{
    private const int StatementLimit = 1024 * 1024;

    [Fact]
    public async Task A_64_MiB_password_message_is_refused_from_its_header_without_waiting_for_its_body()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo")));
            await raw.ReadUntilAsync('R', Patience);
            var started = Stopwatch.StartNew();

            // The header promises 64 MiB; only 4 KiB follow. A gateway that buffers the message waits for the rest.
            await raw.SendAsync(PgFrames.Concat(PgFrames.Header('p', 64 * 1024 * 1024), new byte[4096]));
            var reply = await raw.ReadUntilClosedAsync(TimeSpan.FromSeconds(8));
            Assert.True(reply.Closed, reply.ToString());
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"refused after {started.Elapsed}");
            var error = Assert.Single(reply.Errors);
            Assert.Equal(("FATAL", "08P01"), (error['S'], error['C']));
            Assert.StartsWith("AL0956", error['M'], StringComparison.Ordinal);
            return Text(reply);
        });
    }

    [Fact]
    public async Task Twelve_oversized_passwords_at_once_are_all_refused_and_leave_no_seat_taken()
    {
        var refusals = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo")));
            var asked = await raw.ReadUntilAsync('R', Patience);
            if (asked.Errors.Any())
            {
                // No seat was free for this one: refused before login, which is the other limit.
                return Assert.Single(asked.Errors)['M'];
            }

            await raw.SendAsync(PgFrames.Concat(PgFrames.Header('p', 48 * 1024 * 1024), new byte[65536]));
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, reply.ToString());
            return Assert.Single(reply.Errors)['M'];
        }));
        Assert.All(refusals, m => Assert.True(m.StartsWith("AL0956", StringComparison.Ordinal) || m.StartsWith("AL0957", StringComparison.Ordinal), m));
        Assert.Contains(refusals, m => m.StartsWith("AL0956", StringComparison.Ordinal));
        await WaitUntilAsync(() => gateway.Listener.LoggingIn == 0, "every login seat given back");
    }

    [Fact]
    public async Task Connections_that_never_log_in_are_capped_and_the_next_one_is_refused_at_once()
    {
        var holders = new List<RawPgClient>();
        try
        {
            for (var i = 0; i < ClassIHarness.LoginSeats; i++)
            {
                holders.Add(await RawPgClient.ConnectAsync(gateway.Port));
            }

            await WaitUntilAsync(() => gateway.Listener.LoggingIn == ClassIHarness.LoginSeats, "the idle connections to take every seat");
            await gateway.AssertHarmlessAsync(async () =>
            {
                await using var late = await RawPgClient.ConnectAsync(gateway.Port);
                await late.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo")));
                var reply = await late.ReadUntilClosedAsync(Patience);
                Assert.True(reply.Closed, reply.ToString());
                var error = Assert.Single(reply.Errors);
                Assert.Equal(("FATAL", "53300"), (error['S'], error['C']));
                Assert.StartsWith("AL0957", error['M'], StringComparison.Ordinal);
                return Text(reply);
            });
        }
        finally
        {
            foreach (var holder in holders)
            {
                await holder.DisposeAsync();
            }
        }

        await WaitUntilAsync(() => gateway.Listener.LoggingIn == 0, "the seats to be given back");
        Assert.Contains("1", (await gateway.PsqlAsync("SELECT 1")).StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_statement_over_one_MiB_as_a_query_is_refused_unread_and_the_session_goes_on()
    {
        var big = "SELECT '" + new string('x', StatementLimit + 10) + "' AS filler";
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawLoginAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Concat(PgFrames.Query(big), PgFrames.Query("SELECT 42")));
            var refused = await raw.ReadUntilAsync('Z', Patience);
            var next = await raw.ReadUntilAsync('Z', Patience);
            var error = Assert.Single(refused.Errors);
            Assert.Equal("54000", error['C']);
            Assert.StartsWith("AL0958", error['M'], StringComparison.Ordinal);
            Assert.Empty(next.Errors);
            Assert.Equal(["SELECT 1"], Tags(next));
            return Text(refused) + Text(next);
        });

        var blocked = (await gateway.AuditEventsAsync()).Select(e => e.Event).Last(e => e.Kind == AuditEventKinds.ActionBlocked && e.Rule == "airlock:statement-size");
        Assert.Contains("sha256", blocked.Text, StringComparison.Ordinal);
        Assert.True(blocked.Text!.Length < 1000, blocked.Text);
    }

    [Fact]
    public async Task A_statement_over_one_MiB_prepared_by_Npgsql_is_refused_and_a_named_one_cannot_be_bound_later()
    {
        var big = "SELECT '" + new string('y', StatementLimit + 10) + "' AS filler";
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            var refused = await RunAsync(connection, big);
            Assert.Contains("AL0958", refused, StringComparison.Ordinal);
            Assert.Equal("ok: 7", await RunAsync(connection, "SELECT 7"));

            await using var raw = await RawLoginAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Concat(PgFrames.Parse("big", big), PgFrames.Sync()));
            var parse = await raw.ReadUntilAsync('Z', Patience);
            Assert.StartsWith("AL0958", Assert.Single(parse.Errors)['M'], StringComparison.Ordinal);
            await raw.SendAsync(PgFrames.Concat(PgFrames.Bind("", "big", []), PgFrames.Execute(""), PgFrames.Sync()));
            var bind = await raw.ReadUntilAsync('Z', Patience);
            Assert.StartsWith("AL0905", Assert.Single(bind.Errors)['M'], StringComparison.Ordinal);
            return refused + Text(parse) + Text(bind);
        });
    }

    [Fact]
    public async Task A_long_statement_under_the_limit_runs_and_its_audit_text_is_capped_with_a_hash()
    {
        // PostgreSQL takes at most 1664 columns; 1500 normalize to about 30 KiB of audit text.
        var columns = string.Join(", ", Enumerable.Range(0, 1500).Select(i => $"{i} AS column_{i:D5}"));
        var output = await gateway.PsqlOutputAsync($"SELECT {columns}", extra: ["-t", "-A"]);
        Assert.Contains("1499", output, StringComparison.Ordinal);

        var intent = (await gateway.AuditEventsAsync()).Select(e => e.Event).Last(e => e.Kind == AuditEventKinds.ActionIntent && e.Text!.Contains("column_00000", StringComparison.Ordinal));
        Assert.True(intent.Text!.Length <= 17 * 1024, $"the audit kept {intent.Text.Length} characters");
        Assert.Contains("sha256 of the whole text", intent.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("column_01499", intent.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_person_cannot_take_more_sessions_than_policy_allows()
    {
        var open = new List<NpgsqlConnection>();
        string? refusal = null;
        try
        {
            await gateway.AssertHarmlessAsync(async () =>
            {
                for (var i = 0; i < 25 && refusal is null; i++)
                {
                    var connection = new NpgsqlConnection(gateway.ConnectionString());
                    try
                    {
                        await connection.OpenAsync();
                        open.Add(connection);
                    }
                    catch (PostgresException ex)
                    {
                        refusal = $"{ex.SqlState} {ex.Severity}: {ex.MessageText}";
                        await connection.DisposeAsync();
                    }
                }

                Assert.NotNull(refusal);
                Assert.StartsWith("53300 FATAL: AL0959", refusal, StringComparison.Ordinal);
                Assert.True(open.Count <= 20, $"alice holds {open.Count} sessions");
                Assert.True(gateway.Sessions.Open.Count(s => s.User.Name == "alice") <= 20);

                // Someone else is not held up by alice's sessions.
                await using var bob = await RawLoginAsync(gateway.Port, "bob", GatewayHarness.BobToken);
                return refusal;
            });
        }
        finally
        {
            foreach (var connection in open)
            {
                await connection.DisposeAsync();
            }
        }

        var failed = (await gateway.AuditEventsAsync()).Select(e => e.Event).Where(e => e.Kind == AuditEventKinds.AuthFailed);
        Assert.Contains(failed, e => e.User == "alice" && e.Error!.StartsWith("AL0959", StringComparison.Ordinal));
        await WaitUntilAsync(() => gateway.Sessions.Open.Count(s => s.User.Name == "alice") == 0, "alice's sessions to end");
        await using var again = new NpgsqlConnection(gateway.ConnectionString());
        await again.OpenAsync();
    }

    [Theory]
    [InlineData("SET statement_timeout = 0")]
    [InlineData("SET statement_timeout TO '0'")]
    [InlineData("SET SESSION statement_timeout = '400us'")]
    [InlineData("SET statement_timeout = '0.4'")]
    [InlineData("SET statement_timeout = 0.4")]
    [InlineData("SET statement_timeout = '1d'")]
    [InlineData("SET statement_timeout = 3600000")]
    [InlineData("SET statement_timeout = '16min'")]
    [InlineData("SET statement_timeout = '0x7fffffff'")]
    [InlineData("SET statement_timeout = '010'")]
    [InlineData("SET lock_timeout = 0")]
    [InlineData("SET lock_timeout = '2min'")]
    [InlineData("SET idle_in_transaction_session_timeout = 0")]
    [InlineData("SET idle_in_transaction_session_timeout = '1h'")]
    public async Task Policy_timeouts_cannot_be_switched_off_or_lengthened(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            var refused = await RunAsync(connection, sql);
            Assert.Contains("AL0954", refused, StringComparison.Ordinal);
            Assert.Equal("ok: 15min", await RunAsync(connection, "SHOW statement_timeout"));
            Assert.Equal("ok: 1min", await RunAsync(connection, "SHOW lock_timeout"));
            Assert.Equal("ok: 10min", await RunAsync(connection, "SHOW idle_in_transaction_session_timeout"));
            return refused;
        });
    }

    [Theory]
    [InlineData("BEGIN; SET LOCAL lock_timeout = 0; SELECT 1; COMMIT")]
    [InlineData("BEGIN; SET LOCAL statement_timeout = '0ms'; COMMIT")]
    [InlineData("BEGIN; SET LOCAL idle_in_transaction_session_timeout = '0'; COMMIT")]
    public async Task Set_local_cannot_switch_a_timeout_off_inside_a_transaction(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains("AL0954", output, StringComparison.Ordinal);
            return output;
        });
    }

    [Fact]
    public async Task A_timeout_may_be_shortened_and_reset_returns_to_policys_value()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        Assert.Equal("ok: 15min", await RunAsync(connection, "SHOW statement_timeout"));
        Assert.Equal("ok: ", await RunAsync(connection, "SET statement_timeout = '30s'"));
        Assert.Equal("ok: 30s", await RunAsync(connection, "SHOW statement_timeout"));
        Assert.Equal("ok: ", await RunAsync(connection, "RESET statement_timeout"));
        Assert.Equal("ok: 15min", await RunAsync(connection, "SHOW statement_timeout"));
        Assert.Equal("ok: ", await RunAsync(connection, "SET lock_timeout TO DEFAULT"));
        Assert.Equal("ok: 1min", await RunAsync(connection, "SHOW lock_timeout"));
        Assert.Equal("ok: ", await RunAsync(connection, "SET LOCAL lock_timeout = 500"));
    }

    [Fact]
    public async Task Cancel_keys_differ_per_connection_and_come_from_the_CSPRNG()
    {
        var keys = new List<(int Pid, int Key)>();
        for (var i = 0; i < 16; i++)
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            var login = await raw.LoginAsync();
            var data = login.Messages.Single(m => m.Type == 'K').Payload;
            keys.Add((BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4))));
        }

        Assert.Equal(keys.Count, keys.Select(k => k.Key).Distinct().Count());
        Assert.Equal(keys.Count, keys.Select(k => k.Pid).Distinct().Count());

        // Both halves of the 32-bit key space occur: not a small counter or a clock.
        Assert.Contains(keys, k => k.Key < 0);
        Assert.Contains(keys, k => k.Key > 0);

        // Code level, as the issue asks: the keys come from RandomNumberGenerator, not System.Random.
        var source = await File.ReadAllTextAsync(Path.Combine(GatewayHarness.RepositoryRoot(), "src", "Airlock.Postgres", "Proxy", "PgClientConnection.cs"));
        Assert.Contains("SecretKey = BinaryPrimitives.ReadInt32LittleEndian(RandomNumberGenerator.GetBytes(4))", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Random.Shared", source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_large_bind_parameter_still_works_the_statement_limit_is_for_statement_text()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT length($1)", connection) { Parameters = { new() { Value = new string('z', 2 * StatementLimit) } } };
        Assert.Equal(2 * StatementLimit, Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
