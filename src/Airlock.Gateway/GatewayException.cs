namespace Airlock.Gateway;

/// <summary>A failure of the gateway host with a stable id (<see cref="GatewayErrors"/>). Messages never hold secret values.</summary>
public class GatewayException : Exception
{
    public GatewayException(string errorId, string message)
        : base(message)
    {
        ErrorId = errorId;
    }

    public GatewayException(string errorId, string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorId = errorId;
    }

    /// <summary>The stable id, e.g. <c>AL0820</c>.</summary>
    public string ErrorId { get; }
}
