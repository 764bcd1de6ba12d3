namespace Airlock.Postgres.Upstream;

/// <summary>The gateway could not log in to the upstream database. The message never includes the password.</summary>
public sealed class UpstreamAuthenticationException : Exception
{
    public UpstreamAuthenticationException(string message)
        : base(message)
    {
    }

    public UpstreamAuthenticationException()
        : this("the upstream login failed")
    {
    }

    public UpstreamAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The upstream's SQLSTATE, when it sent one.</summary>
    public string? SqlState { get; init; }
}
