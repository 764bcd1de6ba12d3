using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

/// <summary>
/// <c>sessions:</c> at three levels: the bundle default, groups, and a resource's own. Every level may set
/// durations, PostgreSQL timeouts and the per-user cap; the strictest value of each applies
/// (<see cref="SessionLimits.Tighten"/>).
/// </summary>
internal sealed partial class BundleReader
{
    /// <summary>PostgreSQL keeps its timeouts as int milliseconds (guc_tables.c: INT_MAX): longer ones cannot be set.</summary>
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    private static readonly string[] LimitKeys = ["max", "idle", "statement_timeout", "lock_timeout", "idle_in_transaction_timeout", "max_per_user"];

    private void ReadSessions(YamlScalar key, YamlNode node)
    {
        if (_sessions is not null)
        {
            Binder.Report(PolicyErrors.DuplicateDefinition, key.Location, $"'sessions' is already defined at {_sessions.Default.Location}; keep it in one file");
            return;
        }

        if (Binder.Mapping(node, "sessions") is not { } sessions)
        {
            return;
        }

        Binder.CheckKeys(sessions, "sessions", [.. LimitKeys, "login", "max_per_resource", "groups"]);
        var fallback = SessionDefinitions.Fallback.Default;
        var read = ReadLimitValues(sessions, key.Location, allowLogin: true, allowPerResource: true);

        // A key the bundle leaves out keeps the built-in default; a group or resource can only tighten it.
        var limits = new SessionLimits(sessions["max"] is null ? fallback.Max : read.Max, sessions["idle"] is null ? fallback.Idle : read.Idle, key.Location)
        {
            Login = sessions["login"] is null ? fallback.Login : read.Login,
            StatementTimeout = sessions["statement_timeout"] is null ? fallback.StatementTimeout : read.StatementTimeout,
            LockTimeout = sessions["lock_timeout"] is null ? fallback.LockTimeout : read.LockTimeout,
            IdleInTransactionTimeout = sessions["idle_in_transaction_timeout"] is null ? fallback.IdleInTransactionTimeout : read.IdleInTransactionTimeout,
            MaxPerUser = sessions["max_per_user"] is null ? fallback.MaxPerUser : read.MaxPerUser,
            MaxPerResource = sessions["max_per_resource"] is null ? fallback.MaxPerResource : read.MaxPerResource,
        };
        var groups = new Dictionary<string, SessionLimits>(StringComparer.Ordinal);
        if (sessions["groups"] is { } g && Binder.Mapping(g, "session groups") is { } groupMap)
        {
            foreach (var (group, limitsNode) in groupMap.Entries)
            {
                if (ReadSessionLimits(limitsNode, $"sessions of group '{group.Value}'", allowLogin: true) is { } parsed)
                {
                    groups[group.Value] = parsed with { Location = group.Location };
                }
            }
        }

        _sessions = new SessionDefinitions(limits, groups);
    }

    /// <summary>
    /// The limits of a group or a resource. Only a group may set <c>login</c>: a login is not tied to one
    /// resource, so on a resource it is refused as an unknown key rather than silently never applied. Only a
    /// resource may set <c>max_per_resource</c>: a group has no resource to count.
    /// </summary>
    private SessionLimits? ReadSessionLimits(YamlNode node, string what, bool allowLogin = false)
    {
        if (Binder.Mapping(node, what) is not { } limits)
        {
            return null;
        }

        string[] allowed = allowLogin ? [.. LimitKeys, "login"] : [.. LimitKeys, "max_per_resource"];
        Binder.CheckKeys(limits, what, allowed);
        return ReadLimitValues(limits, node.Location, allowLogin, allowPerResource: !allowLogin);
    }

    private SessionLimits ReadLimitValues(YamlMapping limits, SourceLocation location, bool allowLogin, bool allowPerResource) =>
        new(limits["max"] is { } m ? Binder.Duration(m, "max") : null, limits["idle"] is { } i ? Binder.Duration(i, "idle") : null, location)
        {
            Login = allowLogin && limits["login"] is { } l ? Binder.Duration(l, "login") : null,
            StatementTimeout = limits["statement_timeout"] is { } st ? Timeout(st, "statement_timeout") : null,
            LockTimeout = limits["lock_timeout"] is { } lt ? Timeout(lt, "lock_timeout") : null,
            IdleInTransactionTimeout = limits["idle_in_transaction_timeout"] is { } it ? Timeout(it, "idle_in_transaction_timeout") : null,
            MaxPerUser = limits["max_per_user"] is { } pu ? (int?)Binder.Integer(pu, "max_per_user", 1, 100_000) : null,
            MaxPerResource = allowPerResource && limits["max_per_resource"] is { } pr ? (int?)Binder.Integer(pr, "max_per_resource", 1, 100_000) : null,
        };

    /// <summary>A PostgreSQL timeout: a duration above zero that fits its int milliseconds.</summary>
    private TimeSpan? Timeout(YamlNode node, string what)
    {
        if (Binder.Duration(node, what) is not { } duration)
        {
            return null;
        }

        if (duration > LongestTimeout)
        {
            Binder.Report(PolicyErrors.InvalidValue, node.Location, $"{what} must be at most 24d (PostgreSQL keeps it in int milliseconds), not {duration}");
            return null;
        }

        return duration;
    }
}
