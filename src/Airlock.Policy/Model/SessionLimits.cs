using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;

/// <summary>How long a session may last and stay idle. Null means no limit at this level.</summary>
public sealed record SessionLimits(TimeSpan? Max, TimeSpan? Idle, SourceLocation Location)
{
    /// <summary>The stricter of two limits, part by part: several levels that apply all hold at once.</summary>
    public SessionLimits Tighten(SessionLimits? other) => other is null
        ? this
        : new(Min(Max, other.Max), Min(Idle, other.Idle), Location);

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a < b ? a : b);
}

/// <summary>The bundle's session settings: a default and overrides for groups. Resources carry their own.</summary>
public sealed record SessionDefinitions(SessionLimits Default, IReadOnlyDictionary<string, SessionLimits> Groups)
{
    /// <summary>Eight hours and fifteen idle minutes, the common production-access default.</summary>
    public static SessionDefinitions Fallback { get; } = new(
        new SessionLimits(TimeSpan.FromHours(8), TimeSpan.FromMinutes(15), default),
        new Dictionary<string, SessionLimits>(StringComparer.Ordinal));
}
