namespace Airlock.Store;

/// <summary>A store failure with a stable id (<see cref="StoreErrors"/>) and a message that names the store, never a secret.</summary>
public sealed class StoreException : Exception
{
    public StoreException(string errorId, string message, Exception? inner = null)
        : base(message, inner) => ErrorId = errorId;

    public StoreException()
        : this(StoreErrors.Unavailable, "the store failed")
    {
    }

    public StoreException(string message)
        : this(StoreErrors.Unavailable, message)
    {
    }

    public StoreException(string message, Exception innerException)
        : this(StoreErrors.Unavailable, message, innerException)
    {
    }

    public string ErrorId { get; }

    public override string ToString() => $"{ErrorId}: {Message}";
}
