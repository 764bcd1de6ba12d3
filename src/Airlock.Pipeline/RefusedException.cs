namespace Airlock.Pipeline;

/// <summary>A refused step of approvals or identity (a vote, a request, a token, a step-up), with a stable id.</summary>
public sealed class RefusedException(string errorId, string message) : Exception($"{errorId}: {message}")
{
    public string ErrorId { get; } = errorId;

    /// <summary>When trying again may succeed (a throttled MFA step-up); null when waiting changes nothing.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
