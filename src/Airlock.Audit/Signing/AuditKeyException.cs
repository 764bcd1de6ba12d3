namespace Airlock.Audit;

/// <summary>A signing or verifying key that cannot be used (<see cref="AuditErrors.BadSigningKey"/>).</summary>
public sealed class AuditKeyException : Exception
{
    public AuditKeyException(string message)
        : base(message)
    {
    }

    public AuditKeyException()
        : this("the audit key cannot be used")
    {
    }

    public AuditKeyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static string ErrorId => AuditErrors.BadSigningKey;
}
