using Airlock.Pipeline;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// The errors the gateway itself sends on the wire. Each message starts with a stable Airlock id
/// (AL09xx) and carries the SQLSTATE a client library understands, with a hint that says what to do.
/// </summary>
internal static partial class GatewayErrors
{
    public static PgError Denied(string rule, string? ruleMessage) => new(
        "42501",
        $"AL0901: denied by policy rule {rule}" + (ruleMessage is null ? string.Empty : $": {ruleMessage}"),
        Hint: "Policy decided this statement may not run here. Ask the policy owners if you think it should.");

    /// <summary>SQL run from a string the gateway cannot analyse (issue 14, class A), refused before policy.</summary>
    public static PgError HiddenSql(string? message) => new(
        "42501",
        "AL0920: " + (message ?? "this statement runs SQL from a string that the gateway cannot analyse"),
        Hint: "Functions such as ts_stat, ts_rewrite and query_to_xml run the SQL they are given. Airlock checks that SQL only when it is one constant SELECT; table_to_xml needs the table's name as a constant. Run the query directly instead.");

    /// <summary>A catalog or function that holds values masking cannot follow (issue 14, class F), refused before policy.</summary>
    public static PgError CatalogValues(string? message) => new(
        "42501",
        "AL0921: " + (message ?? "this statement reads a catalog that holds column values"),
        Hint: "Planner statistics, other sessions' query text, password hashes, large objects and logical decoding are not served through Airlock. For activity, select the columns you need from pg_stat_activity without query.");

    public static PgError ReviewRequired(string rule, string? ruleMessage) => new(
        "42501",
        $"AL0902: approval required by policy rule {rule}" + (ruleMessage is null ? string.Empty : $": {ruleMessage}"),
        Hint: "This statement needs an approver's review before it can run: ask one of the approvers the rule names.");

    /// <summary>A statement held for review, prepared (extended protocol) in a read-only session, where an approved write cannot run.</summary>
    public static PgError ReviewRequiredSimpleProtocolOnly(string rule, string? ruleMessage) => ReviewRequired(rule, ruleMessage) with
    {
        Hint = "This session is read-only, and an approved write can switch it to read-write only around a simple query: send the statement as a plain query (psql, or your driver's simple query mode) to get an approval request for it.",
    };

    public static PgError HeldForApproval(string rule, string? ruleMessage, ReviewOutcome held) => new(
        "42501",
        $"AL0902: approval required by policy rule {rule}" + (ruleMessage is null ? string.Empty : $": {ruleMessage}") + $" Request {held.RequestId} is waiting for an approver.",
        Hint: $"An approver runs: airlock reviews approve {held.RequestId}  (to see it: airlock reviews show {held.RequestId}). Then run exactly the same statement again: it runs once. The request expires at {held.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.");

    public static PgError MfaRequired(string rule) => new(
        "42501",
        $"AL0917: this statement needs an MFA step-up: policy allows it only with MFA (it is refused by {rule} without)",
        Hint: "Run: airlock mfa --code <the 6 digits from your authenticator app>, then run the statement again (a step-up counts for 15 minutes, in this session too).");

    /// <summary>A held statement for which no approval request could be made (AL1022: the requester has too many waiting).</summary>
    public static PgError ApprovalRefused(RefusedException refusal) => new(
        refusal.ErrorId == ApprovalErrors.TooManyPending ? "53400" : "42501",
        refusal.Message,
        Hint: "Nothing ran. See your waiting requests with airlock reviews list, and ask an approver to decide them.");

    public static PgError ApprovalDenied(string requestId, string? by, string? reason) => new(
        "42501",
        $"AL0918: request {requestId} was denied by {by ?? "an approver"}" + (string.IsNullOrWhiteSpace(reason) ? string.Empty : $": {reason}"),
        Hint: "Talk to the approver, or ask again with a changed statement.");

    public static PgError WaitCancelled(string requestId) => new(
        "57014",
        $"AL0919: canceling statement due to user request: it was waiting for an approver of request {requestId}",
        Hint: $"The request stays open: once it is approved, run the same statement again (airlock reviews show {requestId}).");

    public static PgError DeniedStatement(string name) => new(
        "42501",
        $"AL0905: prepared statement \"{name}\" was denied by policy when it was prepared",
        Hint: "Prepare a statement that policy allows.");

    /// <summary>A FETCH or MOVE of a cursor the gateway did not see declared (issue 14, class D).</summary>
    public static PgError UnknownCursor(string? name) => new(
        "34000",
        $"AL0931: cursor \"{name}\" was not declared through Airlock in this session, so the gateway cannot tell what its rows hold; FETCH and MOVE of it are refused",
        Hint: "Declare the cursor with DECLARE … CURSOR FOR in this session. A cursor opened inside a function (a refcursor) cannot be read through Airlock: have the function return its rows.");

    public static PgError FunctionCallRefused { get; } = new(
        "0A000",
        "AL0906: the fastpath function call protocol is not supported through Airlock",
        Hint: "Call the function with SELECT, so that policy can see it.");

    public static PgError Protocol(string message) => new("08P01", "AL0907: " + message, Hint: "The client sent something that is not PostgreSQL protocol 3.0.", Severity: "FATAL");

    public static PgError Login(string message) => new("28P01", message, Severity: "FATAL");

    public static PgError NoResource(string database) => new(
        "3D000",
        $"AL0908: \"{database}\" is not a PostgreSQL resource of this gateway",
        Hint: "The database name selects the resource, e.g. psql \"host=… dbname=orders-prod\".",
        Severity: "FATAL");

    public static PgError StartupParameter(string name) => new(
        "08004",
        $"AL0909: the startup parameter \"{name}\" is not allowed through Airlock",
        Hint: "Set it with a SET statement after connecting, where policy can decide it.",
        Severity: "FATAL");

    public static PgError Encoding(string encoding) => new(
        "22021",
        $"AL0910: client_encoding {encoding} is not supported; Airlock reads and masks results as UTF8",
        Hint: "Connect with client_encoding=UTF8 (PGCLIENTENCODING=UTF8).",
        Severity: "FATAL");

    public static PgError Upstream(string message) => new(
        "08001",
        "AL0911: the gateway could not connect to the database: " + message,
        Hint: "Ask the gateway's operators to check the resource's connection settings.",
        Severity: "FATAL");

    public static PgError AuditUnavailable(string message) => new(
        "58030",
        "AL0711: the action was refused because it could not be recorded: " + message,
        Hint: "The audit trail is required, so nothing runs unrecorded. Ask the gateway's operators to check the store.");

    public static PgError LoginTimeout(TimeSpan timeout) => new(
        "08P01",
        $"AL0915: the startup and login did not finish within {timeout.TotalSeconds:0.###} seconds",
        Hint: "The client sent too little, or too slowly, for the gateway to log it in. Connect again.",
        Severity: "FATAL");

    public static PgError CopyNotMaskable { get; } = new(
        "0A000",
        "AL0916: this COPY TO STDOUT has columns that are masked whole, and with its own DELIMITER, QUOTE or ESCAPE the gateway cannot split its rows to mask them",
        Hint: "Use COPY's default text or CSV layout (FORMAT csv without DELIMITER, QUOTE or ESCAPE), or SELECT.");

    /// <summary>A statement that takes apart a column masked for the user (docs/security.md, class E).</summary>
    public static PgError MaskedColumnTakenApart(string? detail) => new(
        "42501",
        "AL0940: " + (detail ?? "this statement takes apart a masked column"),
        Hint: "Compare the whole value with = or IN against a constant or a parameter (WHERE email = $1), and filter, order and group by columns that are not masked. An unmask grant in policy lifts this for its columns.");

    public static PgError TlsRequired { get; } = new(
        "28000",
        "AL0912: this gateway requires TLS",
        Hint: "Connect with sslmode=require.",
        Severity: "FATAL");
}
