namespace Airlock.Pipeline;

/// <summary>Why a session ended early, and how to tell the client (the adapter maps <see cref="Code"/> to its protocol).</summary>
public sealed record SessionEnd(SessionEndCode Code, string Message)
{
    public static SessionEnd Killed(string by) => new(SessionEndCode.Killed, $"terminating connection: the session was ended by {by}");

    public static SessionEnd MaxDuration(TimeSpan max) => new(SessionEndCode.MaxDuration, $"terminating connection: the session reached its maximum duration of {max} set by policy");

    public static SessionEnd Idle(TimeSpan idle) => new(SessionEndCode.Idle, $"terminating connection: the session was idle longer than {idle} allowed by policy");

    /// <summary>The token the session logged in with expired (an IdP token's <c>exp</c>, an Airlock session token's end).</summary>
    public static SessionEnd CredentialExpired(string what) => new(SessionEndCode.Killed, $"terminating connection: {what} expired; log in again (airlock login)");

    public static SessionEnd Shutdown { get; } = new(SessionEndCode.Shutdown, "terminating connection: the gateway is shutting down");

    /// <summary>
    /// The server reported a new value of a setting the gateway pins (read-only mode, lexing, identity): the
    /// gateway can no longer vouch for how the server reads what follows (issue 14, class B). AL0950.
    /// </summary>
    /// <remarks>The new value is not repeated: whatever set it may have put data there.</remarks>
    public static SessionEnd SettingChanged(string name) => new(
        SessionEndCode.SettingChanged,
        $"AL0950: terminating connection: the server reports a new value of {name}, which the gateway pinned for this session; a statement changed it where the gateway could not see")
    {
        AuditReason = $"setting changed: {name}",
    };

    /// <summary>What the audit's session.end records as the reason; the code's name when null.</summary>
    public string? AuditReason { get; init; }
}

public enum SessionEndCode
{
    Killed,
    MaxDuration,
    Idle,
    Shutdown,
    SettingChanged,
}
