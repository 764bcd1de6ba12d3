using Airlock.Audit;
using Airlock.Postgres.Tests.Robustness;
using Npgsql;
using static Airlock.Postgres.Tests.Adversarial.AdversarialSessionSupport;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Class B (issue 14): session state that changes how the server reads SQL. A hidden set_config turned off
/// standard_conforming_strings and default_transaction_read_only; the gateway then read one SELECT where the
/// server ran a SELECT and an UPDATE. The gateway now pins lexing, read-only mode and identity: every direct
/// way to change them is refused (AL0951, AL0952), the startup is checked (AL0909, AL0955), and a change made
/// where the gateway cannot see ends the session before anything pipelined behind it runs (AL0950).
/// </summary>
public sealed class ClassB_SessionStateTests(AdversarialHarness gateway) : IClassFixture<AdversarialHarness>
{
    [Theory]
    [InlineData("SET standard_conforming_strings = off")]
    [InlineData("SET standard_conforming_strings TO false")]
    [InlineData("SET SESSION standard_conforming_strings = 'off'")]
    [InlineData("SET LOCAL standard_conforming_strings = 0")]
    [InlineData("set \"Standard_Conforming_Strings\" = off")]
    [InlineData("RESET standard_conforming_strings")]
    [InlineData("SET standard_conforming_strings TO DEFAULT")]
    [InlineData("UPDATE pg_settings SET setting = 'off' WHERE name = 'standard_conforming_strings'")]
    [InlineData("SET client_encoding = 'SJIS'")]
    public async Task Every_direct_way_to_change_lexing_is_refused_and_the_attack_after_it_stays_one_select(string change)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            var refused = await RunAsync(connection, change);
            Assert.Contains("AL0951", refused, StringComparison.Ordinal);
            Assert.Contains("42501", refused, StringComparison.Ordinal);

            // The issue's second step: still read with standard strings, so one SELECT of the text x\.
            var attack = await RunAsync(connection, BackslashAttack);
            Assert.Equal(@"ok: x\", attack);
            Assert.Equal("ok: on", await RunAsync(connection, "SHOW standard_conforming_strings"));
            return refused + attack;
        });
    }

    [Fact]
    public async Task The_two_steps_pipelined_in_one_write_refuse_the_first_and_read_the_second_as_one_select()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawLoginAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Concat(PgFrames.Query("SET standard_conforming_strings = off"), PgFrames.Query(BackslashAttack)));
            var first = await raw.ReadUntilAsync('Z', Patience);
            var second = await raw.ReadUntilAsync('Z', Patience);
            Assert.StartsWith("AL0951", Assert.Single(first.Errors)['M'], StringComparison.Ordinal);
            Assert.Empty(second.Errors);
            Assert.Equal(["SELECT 1"], Tags(second));
            return Text(first) + Text(second);
        });
    }

    [Fact]
    public async Task A_hidden_function_that_turns_off_standard_strings_and_read_only_ends_the_session_before_the_pipelined_attack_runs()
    {
        // The backstop: a function the gateway cannot look into (created by the database's owner) changes pinned
        // settings; the attack is pipelined right behind it, in the same write, as the issue's attacker did.
        await using (var direct = gateway.DirectConnection())
        {
            await direct.OpenAsync();
            await RunAsync(direct, """
                CREATE OR REPLACE FUNCTION public.innocent_lookup() RETURNS int LANGUAGE plpgsql AS $$
                BEGIN
                  PERFORM set_config('standard_conforming_strings', 'off', false);
                  PERFORM set_config('default_transaction_read_only', 'off', false);
                  RETURN 1;
                END $$
                """);
        }

        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawLoginAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Concat(PgFrames.Query("SELECT innocent_lookup()"), PgFrames.Query(BackslashAttack)));
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, reply.ToString());
            var fatal = reply.Errors.Last();
            Assert.Equal("FATAL", fatal['S']);
            Assert.Equal("57P01", fatal['C']);
            Assert.StartsWith("AL0950", fatal['M'], StringComparison.Ordinal);
            Assert.DoesNotContain(Tags(reply), t => t.StartsWith("UPDATE", StringComparison.Ordinal));
            return Text(reply);
        });

        var ends = (await gateway.AuditEventsAsync()).Select(e => e.Event).Where(e => e.Kind == AuditEventKinds.SessionEnd).ToList();
        Assert.Contains(ends, e => e.Outcome is "setting changed: standard_conforming_strings" or "setting changed: default_transaction_read_only");
    }

    [Fact]
    public async Task A_hidden_function_that_renames_the_session_as_bob_ends_it_and_the_new_name_is_not_relayed()
    {
        await using (var direct = gateway.DirectConnection())
        {
            await direct.OpenAsync();
            await RunAsync(direct, "CREATE OR REPLACE FUNCTION public.app_label() RETURNS int LANGUAGE sql AS $$ SELECT 1 FROM (SELECT set_config('application_name', 'airlock:bob:' || (SELECT ssn FROM customers WHERE id = 9001), false)) s $$");
        }

        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawLoginAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Query("SELECT app_label()"));
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, reply.ToString());
            Assert.StartsWith("AL0950", reply.Errors.Last()['M'], StringComparison.Ordinal);
            Assert.DoesNotContain(reply.Messages, m => m.Type == 'S');
            return Text(reply);
        });

        var ends = (await gateway.AuditEventsAsync()).Select(e => e.Event).Where(e => e.Kind == AuditEventKinds.SessionEnd).ToList();
        Assert.Contains(ends, e => e.Outcome == "setting changed: application_name");
    }

    /// <summary>
    /// In a read-only session a change toward read-write keeps its published refusal (AL0901, rule
    /// airlock:read-only-session); any other change of the pinned mode is AL0951.
    /// </summary>
    [Theory]
    [InlineData("SET default_transaction_read_only = off", "AL0901: denied by policy rule airlock:read-only-session")]
    [InlineData("SET default_transaction_read_only = on", "AL0951")]
    [InlineData("SET LOCAL default_transaction_read_only TO false", "AL0901: denied by policy rule airlock:read-only-session")]
    [InlineData("SET default_transaction_read_only TO DEFAULT", "AL0901: denied by policy rule airlock:read-only-session")]
    [InlineData("RESET default_transaction_read_only", "AL0901: denied by policy rule airlock:read-only-session")]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "AL0901: denied by policy rule airlock:read-only-session")]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "AL0951")]
    [InlineData("RESET ALL", "AL0901: denied by policy rule airlock:read-only-session")]
    [InlineData("DISCARD ALL", "AL0901: denied by policy rule airlock:read-only-session")]
    public async Task Read_only_mode_cannot_be_changed_or_reset_and_a_write_after_it_still_fails(string change, string refusal)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            var refused = await RunAsync(connection, change);
            Assert.Contains(refusal, refused, StringComparison.Ordinal);
            Assert.Equal("ok: on", await RunAsync(connection, "SHOW default_transaction_read_only"));
            var write = await RunAsync(connection, "UPDATE orders SET status = 'pwned' WHERE id = 8");
            Assert.StartsWith("error", write, StringComparison.Ordinal);
            return refused + write;
        });
    }

    [Theory]
    [InlineData("BEGIN READ WRITE; UPDATE orders SET status = 'pwned' WHERE id = 8; COMMIT")]
    [InlineData("START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE")]
    [InlineData("BEGIN; SET TRANSACTION READ WRITE; UPDATE orders SET status = 'pwned' WHERE id = 8; COMMIT")]
    [InlineData("SET transaction_read_only = off")]
    public async Task Read_write_transactions_are_refused_in_a_session_the_gateway_keeps_read_only(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains("AL0901", output, StringComparison.Ordinal);
            Assert.Contains("airlock:read-only-session", output, StringComparison.Ordinal);
            return output;
        });
    }

    [Theory]
    [InlineData("SET ROLE postgres")]
    [InlineData("SET ROLE NONE")]
    [InlineData("RESET ROLE")]
    [InlineData("SET LOCAL ROLE pg_read_all_data")]
    [InlineData("SET SESSION AUTHORIZATION postgres")]
    [InlineData("SET SESSION AUTHORIZATION DEFAULT")]
    [InlineData("RESET SESSION AUTHORIZATION")]
    [InlineData("SET \"role\" = 'postgres'")]
    public async Task Role_and_session_authorization_changes_are_refused_whatever_policy_says(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            var refused = await RunAsync(connection, sql);
            Assert.Contains("AL0952", refused, StringComparison.Ordinal);
            Assert.Contains("42501", refused, StringComparison.Ordinal);
            return refused;
        });
    }

    [Theory]
    [InlineData("SET application_name = 'airlock:bob'")]
    [InlineData("SET application_name TO 'airlock:bob:psql'")]
    [InlineData("SET LOCAL application_name = 'AIRLOCK:bob'")]
    [InlineData("SET application_name = 'reports airlock:bob'")]
    public async Task Application_name_cannot_be_changed_to_pose_as_another_user(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql);
            Assert.Contains("AL0951", output, StringComparison.Ordinal);
            await AssertNobodyPosesAsBobAsync();
            return output;
        });
    }

    [Theory]
    [InlineData("airlock:bob")]
    [InlineData("AIRLOCK:bob:psql")]
    [InlineData("tool airlock:bob")]
    public async Task A_startup_application_name_with_the_gateways_mark_is_refused(string application)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo"), ("application_name", application)));
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, reply.ToString());
            var error = Assert.Single(reply.Errors);
            Assert.Equal("FATAL", error['S']);
            Assert.StartsWith("AL0955", error['M'], StringComparison.Ordinal);
            await AssertNobodyPosesAsBobAsync();
            return Text(reply);
        });
    }

    [Fact]
    public async Task A_set_application_name_goes_upstream_under_alices_mark_and_the_client_sees_its_own()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawLoginAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Query("SET application_name = 'reports'"));
            var set = await raw.ReadUntilAsync('Z', Patience);
            Assert.Empty(set.Errors);
            var shown = set.Messages.Single(m => m.Type == 'S');
            Assert.Equal("application_name\0reports\0", System.Text.Encoding.UTF8.GetString(shown.Payload));

            await using var direct = gateway.DirectConnection();
            await direct.OpenAsync();
            var names = await RunAsync(direct, "SELECT string_agg(application_name, ',') FROM pg_stat_activity WHERE application_name LIKE 'airlock:%'");
            Assert.Contains("airlock:alice:reports", names, StringComparison.Ordinal);

            await raw.SendAsync(PgFrames.Query("RESET application_name"));
            var reset = await raw.ReadUntilAsync('Z', Patience);
            Assert.Empty(reset.Errors);
            await AssertNobodyPosesAsBobAsync();
            return Text(set) + Text(reset);
        });
    }

    [Fact]
    public async Task A_plain_application_name_still_works_and_is_marked_as_alices_upstream()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString() + ";Application Name=reports");
        await connection.OpenAsync();
        Assert.Equal("ok: 1", await RunAsync(connection, "SELECT 1"));
        await using var direct = gateway.DirectConnection();
        await direct.OpenAsync();
        var names = await RunAsync(direct, "SELECT string_agg(application_name, ',') FROM pg_stat_activity WHERE application_name LIKE 'airlock:%'");
        Assert.Contains("airlock:alice:reports", names, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("options", "-c standard_conforming_strings=off")]
    [InlineData("options", "-c default_transaction_read_only=off")]
    [InlineData("standard_conforming_strings", "off")]
    [InlineData("default_transaction_read_only", "off")]
    [InlineData("session_authorization", "postgres")]
    [InlineData("role", "postgres")]
    public async Task Startup_parameters_that_set_pinned_settings_are_refused(string name, string value)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var raw = await RawPgClient.ConnectAsync(gateway.Port);
            await raw.SendAsync(PgFrames.Startup(("user", "alice"), ("database", "demo"), (name, value)));
            var reply = await raw.ReadUntilClosedAsync(Patience);
            Assert.True(reply.Closed, reply.ToString());
            Assert.StartsWith("AL0909", Assert.Single(reply.Errors)['M'], StringComparison.Ordinal);
            return Text(reply);
        });
    }

    [Fact]
    public async Task A_database_whose_default_is_standard_strings_off_still_lexes_as_the_gateway_does()
    {
        await using var direct = gateway.DirectConnection();
        await direct.OpenAsync();
        await RunAsync(direct, "ALTER DATABASE demo SET standard_conforming_strings = off");
        try
        {
            await gateway.AssertHarmlessAsync(async () =>
            {
                await using var connection = new NpgsqlConnection(gateway.ConnectionString());
                await connection.OpenAsync();
                Assert.Equal("ok: on", await RunAsync(connection, "SHOW standard_conforming_strings"));
                var attack = await RunAsync(connection, BackslashAttack);
                Assert.Equal(@"ok: x\", attack);
                return attack;
            });
        }
        finally
        {
            await RunAsync(direct, "ALTER DATABASE demo RESET standard_conforming_strings");
        }
    }

    [Theory]
    [InlineData("SELECT set_config('standard_conforming_strings', 'off', false)")]
    [InlineData("SELECT pg_catalog.set_config('default_transaction_read_only', 'off', false)")]
    [InlineData("SELECT * FROM set_config('application_name', 'airlock:bob', false)")]
    [InlineData("WITH s AS (SELECT set_config('standard_conforming_strings', 'off', true)) SELECT * FROM s")]
    [InlineData("SELECT 1 WHERE (SELECT set_config('standard_conforming_strings', 'off', false)) IS NOT NULL")]
    public async Task Set_config_stays_refused_in_every_form(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            var refused = await RunAsync(connection, sql);
            Assert.Contains("AL0901", refused, StringComparison.Ordinal);
            Assert.Equal("ok: on", await RunAsync(connection, "SHOW standard_conforming_strings"));
            Assert.Equal(@"ok: x\", await RunAsync(connection, BackslashAttack));
            return refused;
        });
    }

    [Fact]
    public async Task The_settings_the_gateway_assumes_are_what_the_session_reports()
    {
        await using var connection = new NpgsqlConnection(gateway.ConnectionString());
        await connection.OpenAsync();
        Assert.Equal("ok: on", await RunAsync(connection, "SHOW standard_conforming_strings"));
        Assert.Equal("ok: on", await RunAsync(connection, "SHOW default_transaction_read_only"));
        Assert.Equal("ok: UTF8", await RunAsync(connection, "SHOW client_encoding"));

        // What the gateway allows: the values it assumes anyway (some drivers send them at connect).
        Assert.Equal("ok: ", await RunAsync(connection, "SET standard_conforming_strings = on"));
        Assert.Equal("ok: ", await RunAsync(connection, "SET client_encoding = 'UTF8'"));
    }

    private async Task AssertNobodyPosesAsBobAsync()
    {
        await using var direct = gateway.DirectConnection();
        await direct.OpenAsync();
        var names = await RunAsync(direct, "SELECT coalesce(string_agg(application_name, ','), '') FROM pg_stat_activity");
        Assert.DoesNotContain("airlock:bob", names, StringComparison.OrdinalIgnoreCase);
    }
}
