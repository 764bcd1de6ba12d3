namespace Airlock.Postgres.Protocol;

/// <summary>A frame that breaks the protocol: the connection ends with SQLSTATE 08P01 and this message.</summary>
public sealed class PgProtocolException : Exception
{
    public PgProtocolException(string message)
        : base(message)
    {
    }

    public PgProtocolException()
        : this("protocol violation")
    {
    }

    public PgProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
