namespace Airlock.Store.Tests.Support;

/// <summary>What a test wants in one audit row; <see cref="ChainSealer"/> numbers, serializes and hashes it.</summary>
public sealed record TestEvent(string Kind, DateTimeOffset Time)
{
    public string? User { get; init; }

    public string? Resource { get; init; }

    public string? Decision { get; init; }

    public string? SessionId { get; init; }

    /// <summary>Extra body text, to make a body as large as a test needs.</summary>
    public string? Text { get; init; }
}
