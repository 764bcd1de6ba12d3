using Airlock.Pipeline;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>The errors of the session's pinned state and of the limits on what a client may hold (issue 14, classes B and I): AL0950–AL0969.</summary>
internal static partial class GatewayErrors
{
    /// <summary>AL0951: a SET, RESET or write of pg_settings that would change a setting the gateway pins.</summary>
    public static PgError PinnedSetting(string message) => new(
        "42501",
        "AL0951: " + message,
        Hint: "The gateway fixes the settings that decide how the server reads SQL, whether it may write, and who the session is; they cannot be changed through Airlock.");

    /// <summary>AL0952: SET ROLE, SET SESSION AUTHORIZATION, or their RESET.</summary>
    public static PgError IdentityChange(string message) => new(
        "42501",
        "AL0952: " + message,
        Hint: "Policy decides what you may do as yourself; ask for a grant instead of switching roles.");

    /// <summary>AL0954: a timeout switched off or made longer than policy's.</summary>
    public static PgError Timeout(string message) => new(
        "42501",
        "AL0954: " + message,
        Hint: "A shorter timeout is fine (SET statement_timeout = '30s'); RESET returns to policy's value.");

    /// <summary>AL0955: an application_name at login that claims the gateway's own mark.</summary>
    public static PgError ApplicationNameSpoof { get; } = new(
        "08004",
        "AL0955: the application_name may not contain \"airlock:\": the gateway marks its sessions upstream as airlock:USER:APPLICATION, and a name must not pose as that mark",
        Hint: "Connect with another application_name (PGAPPNAME).",
        Severity: "FATAL");

    /// <summary>AL0956: a message before login larger than the pre-login limit.</summary>
    public static PgError PreAuthMessageTooLarge(int length, int limit) => new(
        "08P01",
        $"AL0956: a message of {length} bytes before login is larger than the limit of {limit} bytes",
        Hint: "The password is an Airlock token or an identity provider's token, far smaller than this.",
        Severity: "FATAL");

    /// <summary>AL0957: too many connections are logging in at once.</summary>
    public static PgError TooManyUnauthenticated(int limit) => new(
        "53300",
        $"AL0957: too many connections are logging in at once (at most {limit}); try again in a moment",
        Hint: "Connections that have not finished their login are limited, so that slow or idle ones cannot use up the gateway.",
        Severity: "FATAL");

    /// <summary>AL0958: a Query or Parse message larger than the statement limit.</summary>
    public static PgError StatementTooLarge(long length, int limit) => new(
        "54000",
        $"AL0958: a statement of {length} bytes is larger than the gateway's limit of {limit} bytes",
        Hint: "Send large data as parameters (a prepared statement's Bind) or with COPY FROM STDIN; the limit is the gateway configuration's limits.max_statement.");

    /// <summary>AL0959 and AL0960: a session cap from policy.</summary>
    public static PgError SessionCap(RefusedException refused) => new(
        "53300",
        refused.Message,
        Hint: "Close sessions you no longer use (airlock sessions list shows them to administrators).",
        Severity: "FATAL");

    /// <summary>AL0961: the upstream session did not start with the settings the gateway pins.</summary>
    public static PgError UpstreamSettings(string name, string expected) => new(
        "08004",
        $"AL0961: the database session started with {name} other than '{expected}', which the gateway requires to read SQL as the server does",
        Hint: "Ask the gateway's operators: a role or database setting (ALTER ROLE/DATABASE … SET) or the server's configuration overrides it.",
        Severity: "FATAL");

    /// <summary>The wire error for a verdict of the built-in session guard, or null for any other rule.</summary>
    public static PgError? ForGuardRule(string rule, string? message) => rule switch
    {
        SessionSettingsGuard.PinnedSettingRule => PinnedSetting(message ?? rule),
        SessionSettingsGuard.IdentityRule => IdentityChange(message ?? rule),
        SessionSettingsGuard.TimeoutRule => Timeout(message ?? rule),
        StatementGate.HiddenSqlRule => HiddenSql(message),
        StatementGate.CatalogValuesRule => CatalogValues(message),
        StatementGate.MaskedColumnTakenApartRule => MaskedColumnTakenApart(message),
        _ => null,
    };
}
