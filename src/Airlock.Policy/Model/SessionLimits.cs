using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;

/// <summary>How long a session may last and stay idle, and how long a login lasts. Null means no limit at this level.</summary>
public sealed record SessionLimits(TimeSpan? Max, TimeSpan? Idle, SourceLocation Location)
{
    /// <summary>
    /// How long the Airlock session token that <c>airlock login</c> issues stays valid. Only the bundle default
    /// and groups set it: a login is not tied to one resource, so a resource's limits always leave it null.
    /// </summary>
    public TimeSpan? Login { get; init; }

    /// <summary>The stricter of two limits, part by part: several levels that apply all hold at once.</summary>
    public SessionLimits Tighten(SessionLimits? other) => other is null
        ? this
        : new(Min(Max, other.Max), Min(Idle, other.Idle), Location) { Login = Min(Login, other.Login) };

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a < b ? a : b);
}

/// <summary>The bundle's session settings: a default and overrides for groups. Resources carry their own.</summary>
public sealed record SessionDefinitions(SessionLimits Default, IReadOnlyDictionary<string, SessionLimits> Groups)
{
    /// <summary>
    /// How long a login lasts when policy does not say: a working day, so that people sign in once a day.
    /// A bundle may set a longer default; groups can only shorten it.
    /// </summary>
    public static TimeSpan DefaultLogin { get; } = TimeSpan.FromHours(8);

    /// <summary>Eight hours and fifteen idle minutes, the common production-access default, and an eight-hour login.</summary>
    public static SessionDefinitions Fallback { get; } = new(
        new SessionLimits(TimeSpan.FromHours(8), TimeSpan.FromMinutes(15), default) { Login = DefaultLogin },
        new Dictionary<string, SessionLimits>(StringComparer.Ordinal));
}
