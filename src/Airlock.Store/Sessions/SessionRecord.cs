namespace Airlock.Store;

public sealed record SessionRecord
{
    public required string Id { get; init; }

    public required string User { get; init; }

    public required string Resource { get; init; }

    public string? ClientAddress { get; init; }

    public string? Application { get; init; }

    /// <summary>The gateway instance that holds the connection.</summary>
    public required string Instance { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? EndedAt { get; init; }

    public string? EndReason { get; init; }

    public DateTimeOffset? KillRequestedAt { get; init; }

    public string? KillRequestedBy { get; init; }
}
