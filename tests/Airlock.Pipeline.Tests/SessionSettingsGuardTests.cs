using Airlock.Pipeline;
using Airlock.Policy.Model;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline.Tests;

/// <summary>The built-in refusals of session-state changes, whatever the session's mode (issue 14, classes B and I).</summary>
public sealed class SessionSettingsGuardTests
{
    private static readonly SessionLimits Limits = new(null, null, default)
    {
        StatementTimeout = TimeSpan.FromMinutes(15),
        LockTimeout = TimeSpan.FromMinutes(1),
        IdleInTransactionTimeout = TimeSpan.FromMinutes(10),
    };

    private static string? RuleFor(string sql) => SessionSettingsGuard.Check(SqlAnalyzer.Shared.Analyze(sql), Limits)?.Rule;

    [Theory]
    [InlineData("SET standard_conforming_strings = off")]
    [InlineData("RESET standard_conforming_strings")]
    [InlineData("SET client_encoding TO 'LATIN1'")]
    [InlineData("SET client_encoding TO DEFAULT")]
    [InlineData("SET application_name = 'airlock:bob'")]
    [InlineData("SET application_name = 'x airlock:bob'")]
    [InlineData("SET default_transaction_read_only = on")]
    [InlineData("SET default_transaction_read_only = off")]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")]
    [InlineData("RESET ALL")]
    [InlineData("DISCARD ALL")]
    [InlineData("SELECT 1; RESET ALL")]
    [InlineData("UPDATE pg_settings SET setting = 'off' WHERE name = 'standard_conforming_strings'")]
    [InlineData("UPDATE pg_catalog.pg_settings SET setting = 'x'")]
    [InlineData("SET in_hot_standby = off")]
    public void Pinned_settings_cannot_be_changed_in_any_session(string sql) =>
        Assert.Equal(SessionSettingsGuard.PinnedSettingRule, RuleFor(sql));

    [Theory]
    [InlineData("SET ROLE postgres")]
    [InlineData("RESET ROLE")]
    [InlineData("SET SESSION AUTHORIZATION bob")]
    [InlineData("SET SESSION AUTHORIZATION DEFAULT")]
    [InlineData("RESET SESSION AUTHORIZATION")]
    public void Identity_changes_are_refused(string sql) =>
        Assert.Equal(SessionSettingsGuard.IdentityRule, RuleFor(sql));

    [Theory]
    [InlineData("SET statement_timeout = 0")]
    [InlineData("SET statement_timeout = '100us'")]
    [InlineData("SET statement_timeout = '0.5'")]
    [InlineData("SET statement_timeout = '15min 1s'")]
    [InlineData("SET statement_timeout = '901s'")]
    [InlineData("SET statement_timeout = -1")]
    [InlineData("SET statement_timeout = '1e9'")]
    [InlineData("SET statement_timeout = '5 MIN'")]
    [InlineData("SET lock_timeout = '61s'")]
    [InlineData("SET LOCAL idle_in_transaction_session_timeout = 0")]
    public void Timeouts_cannot_be_switched_off_or_lengthened(string sql) =>
        Assert.Equal(SessionSettingsGuard.TimeoutRule, RuleFor(sql));

    [Theory]
    [InlineData("SET standard_conforming_strings = on")]
    [InlineData("SET client_encoding = 'utf-8'")]
    [InlineData("SET statement_timeout = '30s'")]
    [InlineData("SET statement_timeout = 900000")]
    [InlineData("SET statement_timeout = '15min'")]
    [InlineData("SET statement_timeout = '0.6'")]
    [InlineData("SET lock_timeout = '1.5s'")]
    [InlineData("RESET statement_timeout")]
    [InlineData("SET lock_timeout TO DEFAULT")]
    [InlineData("SET TRANSACTION READ ONLY")]
    [InlineData("SET search_path = public")]
    [InlineData("SET TIME ZONE 'UTC'")]
    [InlineData("DISCARD PLANS")]
    [InlineData("SELECT * FROM pg_settings")]
    [InlineData("SET application_name = 'reports'")]
    [InlineData("RESET application_name")]
    public void What_keeps_the_pins_and_policys_bounds_passes(string sql) =>
        Assert.Null(RuleFor(sql));

    [Fact]
    public void Without_a_policy_timeout_any_value_passes()
    {
        var none = new SessionLimits(null, null, default);
        Assert.Null(SessionSettingsGuard.Check(SqlAnalyzer.Shared.Analyze("SET statement_timeout = 0"), none));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("400us", 0L)]
    [InlineData("600us", 1L)]
    [InlineData(" 2 s ", 2000L)]
    [InlineData("1.5min", 90_000L)]
    [InlineData("1h", 3_600_000L)]
    [InlineData("1d", 86_400_000L)]
    [InlineData("2.5", 2L)]
    [InlineData("3.5", 4L)]
    [InlineData("0x10", null)]
    [InlineData("010", null)]
    [InlineData("5 S", null)]
    [InlineData("off", null)]
    [InlineData(null, null)]
    public void Timeout_values_are_read_and_rounded_as_the_server_does(string? text, long? expected) =>
        Assert.Equal(expected, TimeoutValue.Milliseconds(text));

    [Fact]
    public void Audit_text_over_the_cap_keeps_its_start_and_a_hash_of_the_whole()
    {
        var text = new string('a', AuditText.MaxChars + 5);
        var capped = AuditText.Capped(text);
        Assert.StartsWith(new string('a', AuditText.MaxChars), capped, StringComparison.Ordinal);
        Assert.Contains("sha256 of the whole text", capped, StringComparison.Ordinal);
        Assert.Equal("short", AuditText.Capped("short"));
    }
}
