namespace Airlock.Store;

public sealed record PolicyRevisionRecord
{
    /// <summary>The bundle's content hash, as the policy engine reports it.</summary>
    public required string Revision { get; init; }

    public string? GitCommit { get; init; }

    public required string Source { get; init; }

    public required DateTimeOffset LoadedAt { get; init; }

    /// <summary>The bundle's files (relative path to text); empty when listed.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
