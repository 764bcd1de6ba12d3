namespace Airlock.Postgres.Protocol;

/// <summary>
/// An error the gateway sends: SQLSTATE, a message that names what was wrong, and a hint that says what
/// to do. The Airlock error id leads the message (e.g. <c>AL0901</c>) so it can be searched for.
/// </summary>
internal sealed record PgError(string SqlState, string Message, string? Detail = null, string? Hint = null, string Severity = "ERROR")
{
    public PgError AsFatal() => this with { Severity = "FATAL" };
}
