namespace Airlock.Store;

/// <summary>Filters for reading the trail. Every filter is optional; results come in sequence order.</summary>
public sealed record AuditQuery
{
    public static AuditQuery All { get; } = new();

    public long AfterSeq { get; init; }

    public string? User { get; init; }

    public string? Resource { get; init; }

    /// <summary>An exact kind (<c>action.intent</c>) or a prefix ending in a dot (<c>action.</c>).</summary>
    public string? Kind { get; init; }

    public string? Decision { get; init; }

    public string? SessionId { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    /// <summary>The newest <see cref="Limit"/> matching events (still returned oldest first).</summary>
    public int? Limit { get; init; }
}
