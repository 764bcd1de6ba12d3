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

    /// <summary>PostgreSQL's <c>statement_timeout</c> for the session: set upstream at session start; a user may only shorten it.</summary>
    public TimeSpan? StatementTimeout { get; init; }

    /// <summary>PostgreSQL's <c>lock_timeout</c>, as <see cref="StatementTimeout"/>.</summary>
    public TimeSpan? LockTimeout { get; init; }

    /// <summary>PostgreSQL's <c>idle_in_transaction_session_timeout</c>, as <see cref="StatementTimeout"/>.</summary>
    public TimeSpan? IdleInTransactionTimeout { get; init; }

    /// <summary>How many sessions one person may hold open on a resource at once.</summary>
    public int? MaxPerUser { get; init; }

    /// <summary>How many sessions everyone together may hold open on a resource at once (bundle default and resources only).</summary>
    public int? MaxPerResource { get; init; }

    /// <summary>The stricter of two limits, part by part: several levels that apply all hold at once.</summary>
    public SessionLimits Tighten(SessionLimits? other) => other is null
        ? this
        : new(Min(Max, other.Max), Min(Idle, other.Idle), Location)
        {
            Login = Min(Login, other.Login),
            StatementTimeout = Min(StatementTimeout, other.StatementTimeout),
            LockTimeout = Min(LockTimeout, other.LockTimeout),
            IdleInTransactionTimeout = Min(IdleInTransactionTimeout, other.IdleInTransactionTimeout),
            MaxPerUser = Min(MaxPerUser, other.MaxPerUser),
            MaxPerResource = Min(MaxPerResource, other.MaxPerResource),
        };

    private static TimeSpan? Min(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : (a < b ? a : b);

    private static int? Min(int? a, int? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}

/// <summary>The bundle's session settings: a default and overrides for groups. Resources carry their own.</summary>
public sealed record SessionDefinitions(SessionLimits Default, IReadOnlyDictionary<string, SessionLimits> Groups)
{
    /// <summary>
    /// How long a login lasts when policy does not say: a working day, so that people sign in once a day.
    /// A bundle may set a longer default; groups can only shorten it.
    /// </summary>
    public static TimeSpan DefaultLogin { get; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Eight hours and fifteen idle minutes, the common production-access default, and an eight-hour login.
    /// Statements run at most 15 minutes, wait at most a minute for a lock, and a transaction left open holds
    /// its locks and snapshot at most 10 minutes (issue 14: a user could set these to 0 and hold resources
    /// for good). One person holds at most 20 sessions on a resource.
    /// </summary>
    public static SessionDefinitions Fallback { get; } = new(
        new SessionLimits(TimeSpan.FromHours(8), TimeSpan.FromMinutes(15), default)
        {
            Login = DefaultLogin,
            StatementTimeout = TimeSpan.FromMinutes(15),
            LockTimeout = TimeSpan.FromMinutes(1),
            IdleInTransactionTimeout = TimeSpan.FromMinutes(10),
            MaxPerUser = 20,
        },
        new Dictionary<string, SessionLimits>(StringComparer.Ordinal));
}
