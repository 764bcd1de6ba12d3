using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// Session caps from policy (sessions: max_per_user, max_per_resource; issue 14, class I: one user took
/// every upstream connection). Counted over every gateway sharing the store: this instance's sessions as
/// it holds them, and the open session records of the others. A gateway that died leaves its records open;
/// they stop counting once older than the policy's longest session (sessions.max), which no live session is.
/// </summary>
public sealed partial class SessionRegistry
{
    /// <summary>The id of a refusal because the person holds as many sessions on the resource as policy allows.</summary>
    public const string PerUserCapId = "AL0959";

    /// <summary>The id of a refusal because everyone together holds as many sessions on the resource as policy allows.</summary>
    public const string PerResourceCapId = "AL0960";

    private readonly SemaphoreSlim _starting = new(1, 1);

    /// <summary>Throws <see cref="RefusedException"/> (AL0959, AL0960) when starting this session would exceed a cap.</summary>
    private async ValueTask CheckCapsAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        var policy = _policy();
        var limits = policy.ResolveSessionLimits(session.PrincipalFor(policy), session.Resource);
        if (limits.MaxPerUser is null && limits.MaxPerResource is null)
        {
            return;
        }

        var open = _sessions.Values.Where(s => s.Resource == session.Resource).Select(s => s.User.Name).ToList();
        try
        {
            var oldest = limits.Max is { } max ? _time.GetUtcNow() - max : DateTimeOffset.MinValue;
            open.AddRange((await _store.Sessions.ListOpenAsync(cancellationToken: cancellationToken))
                .Where(r => r.Instance != Instance && r.Resource == session.Resource && r.StartedAt > oldest)
                .Select(r => r.User));
        }
        catch (StoreException)
        {
            // The others' sessions cannot be read now: this instance's own still count, and the start's own
            // store write below fails the same way if the store is gone.
        }

        var mine = open.Count(u => u == session.User.Name);
        if (limits.MaxPerUser is { } perUser && mine >= perUser)
        {
            throw new RefusedException(PerUserCapId, $"{session.User.Name} already holds {mine} open sessions on {session.Resource}, the most policy allows one person (sessions.max_per_user: {perUser})");
        }

        if (limits.MaxPerResource is { } perResource && open.Count >= perResource)
        {
            throw new RefusedException(PerResourceCapId, $"{session.Resource} already has {open.Count} open sessions, the most policy allows (sessions.max_per_resource: {perResource})");
        }
    }
}
