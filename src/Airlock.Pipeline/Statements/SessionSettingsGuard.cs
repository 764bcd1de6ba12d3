using System.Collections.Frozen;
using System.Globalization;
using Airlock.Policy.Model;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline;

/// <summary>
/// Built-in refusals of session-state changes, decided before policy and whatever policy says (issue 14,
/// class B and I). The gateway reads SQL as the server will only while the server's lexing, identity and
/// read-only mode are what the gateway set at session start; and the timeouts policy sets hold only if a
/// user cannot switch them off. So:
/// <list type="bullet">
/// <item>a pinned setting (<see cref="Pinned"/>) may not be changed, reset or set to anything but the value
/// the gateway assumes; RESET ALL and DISCARD ALL are refused, as is a write to <c>pg_settings</c> (its
/// update rule calls set_config);</item>
/// <item>SET ROLE and SET SESSION AUTHORIZATION, and their RESET forms, are refused: the session keeps the
/// identity the gateway logged in as;</item>
/// <item>statement_timeout, lock_timeout and idle_in_transaction_session_timeout may be shortened, never
/// switched off (0, or a value that rounds to 0 ms) or made longer than policy's value.</item>
/// </list>
/// A change made where the gateway cannot see it (a function body) is caught after the fact: the server
/// reports these settings (ParameterStatus) and the proxy ends a session whose pinned values change.
/// </summary>
public static class SessionSettingsGuard
{
    /// <summary>A change of a setting the gateway pins (AL0951 on the wire).</summary>
    public const string PinnedSettingRule = "airlock:pinned-setting";

    /// <summary>SET ROLE, SET SESSION AUTHORIZATION and their resets (AL0952 on the wire).</summary>
    public const string IdentityRule = "airlock:session-identity";

    /// <summary>A timeout switched off or made longer than policy allows (AL0954 on the wire).</summary>
    public const string TimeoutRule = "airlock:session-timeout";

    /// <summary>
    /// The settings whose value decides how the server reads text (standard_conforming_strings,
    /// client_encoding: sql-syntax-lexical.html 4.1.2.2, multibyte.html), whether it may write
    /// (default_transaction_read_only), and who the session is (application_name carries the gateway's
    /// <c>airlock:USER</c> mark; is_superuser and in_hot_standby are reported, read-only). All but the last
    /// two are GUC_REPORT settings (guc_tables.c) the proxy watches.
    /// </summary>
    public static FrozenSet<string> Pinned { get; } = new[]
    {
        "standard_conforming_strings", "client_encoding", "application_name", "default_transaction_read_only", "is_superuser", "in_hot_standby",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The timeouts policy sets (sessions: statement_timeout, lock_timeout, idle_in_transaction_timeout), by PostgreSQL name.</summary>
    public static FrozenSet<string> Timeouts { get; } = new[]
    {
        "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The refusal of the first statement that breaks a rule above: its rule id and message; null when none does.</summary>
    public static (string Rule, string Message)? Check(SqlAnalysis analysis, SessionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var statement in analysis.Statements)
        {
            if (statement.TablesWritten.Any(t => t.Equals("pg_settings", StringComparison.OrdinalIgnoreCase) || t.EndsWith(".pg_settings", StringComparison.OrdinalIgnoreCase)))
            {
                return (PinnedSettingRule, "pg_settings may not be written through Airlock: its update rule changes run-time settings (set_config), some of which the gateway pins.");
            }

            if (statement.Setting is { } change && CheckChange(change, limits) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    private static (string Rule, string Message)? CheckChange(SettingChange change, SessionLimits limits)
    {
        var (name, action, value) = (change.Name, change.Action, change.Value);
        if (name is "role" or "session_authorization")
        {
            return (IdentityRule, "the session keeps the identity the gateway logged in as: SET ROLE, SET SESSION AUTHORIZATION and their RESET are not allowed through Airlock.");
        }

        if (action == SettingAction.ResetAll)
        {
            return (PinnedSettingRule, "RESET ALL and DISCARD ALL would return settings the gateway pins (read-only mode among them) to other values; reset the settings you changed one by one.");
        }

        if (action == SettingAction.Multi && name == "session characteristics")
        {
            // SET SESSION CHARACTERISTICS AS TRANSACTION … sets default_transaction_read_only (and the isolation default).
            return (PinnedSettingRule, "SET SESSION CHARACTERISTICS changes default_transaction_read_only, which the gateway pins; use SET TRANSACTION or BEGIN … for one transaction.");
        }

        if (name == "application_name")
        {
            // The proxy sends a SET upstream under the session's mark (airlock:USER:APP); RESET returns to the
            // name the session started with. A name that claims the mark itself could pose as someone else.
            return action == SettingAction.Set && (value is null || value.Contains("airlock:", StringComparison.OrdinalIgnoreCase))
                ? (PinnedSettingRule, "application_name may not contain \"airlock:\": the gateway marks its sessions upstream as airlock:USER:APP, and a name must not pose as that mark.")
                : null;
        }

        if (Pinned.Contains(name))
        {
            var assumed = name switch
            {
                "standard_conforming_strings" => action == SettingAction.Set && IsOn(value),
                "client_encoding" => action == SettingAction.Set && IsUtf8(value),
                _ => false,
            };
            return assumed || action == SettingAction.SetCurrent
                ? null
                : (PinnedSettingRule, $"{name} is pinned by the gateway for the whole session: {PinnedWhy(name)}");
        }

        if (Timeouts.Contains(name) && LimitOf(name, limits) is { } limit && action == SettingAction.Set)
        {
            var policyMs = (long)limit.TotalMilliseconds;
            var ms = TimeoutValue.Milliseconds(value);
            if (ms is not { } set || set <= 0 || set > policyMs)
            {
                var shown = ms is { } m && m <= 0 ? "0 (no timeout)" : value ?? "that value";
                return (TimeoutRule, $"{name} may only be shortened: policy sets it to {policyMs} ms for this session, and {shown} is {(ms is null ? "not a time the gateway can read" : "longer")}.");
            }
        }

        return null;
    }

    private static string PinnedWhy(string name) => name switch
    {
        "standard_conforming_strings" => "off, a backslash would escape a quote and the server would read statements differently from the gateway. Only SET standard_conforming_strings = on is allowed.",
        "client_encoding" => "Airlock reads statements and masks results as UTF8. Only SET client_encoding = 'UTF8' is allowed.",
        "default_transaction_read_only" => "the gateway decides the session's read-only mode from policy.",
        _ => "the server reports it and the gateway relies on its value.",
    };

    private static TimeSpan? LimitOf(string name, SessionLimits limits) => name switch
    {
        "statement_timeout" => limits.StatementTimeout,
        "lock_timeout" => limits.LockTimeout,
        _ => limits.IdleInTransactionTimeout,
    };

    /// <summary>On as parse_bool (bool.c) reads it: a prefix of on, true or yes, or 1.</summary>
    private static bool IsOn(string? value) => value?.Trim().ToLowerInvariant() is "on" or "true" or "tr" or "tru" or "t" or "yes" or "ye" or "y" or "1";

    /// <summary>UTF8 as pg_char_to_encoding (encnames.c) reads it: case and punctuation ignored, "unicode" an alias.</summary>
    private static bool IsUtf8(string? value)
    {
        var letters = new string([.. (value ?? string.Empty).Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        return letters is "utf8" or "unicode";
    }

    /// <summary>The policy timeouts as the <c>-c name=value</c> startup options that make them the session's own (and RESET's) values.</summary>
    public static IEnumerable<KeyValuePair<string, string>> StartupTimeouts(SessionLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var name in new[] { "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout" })
        {
            if (LimitOf(name, limits) is { } limit)
            {
                yield return new(name, ((long)limit.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
            }
        }
    }
}
