namespace Airlock.Store;

/// <summary>Gateway sessions, shared so that any instance can list or kill any session.</summary>
public interface ISessionStore
{
    ValueTask StartAsync(SessionRecord session, CancellationToken cancellationToken = default);

    /// <summary>Marks a session ended; returns false if it was not open.</summary>
    ValueTask<bool> EndAsync(string sessionId, DateTimeOffset endedAt, string reason, CancellationToken cancellationToken = default);

    /// <summary>Asks the instance that holds the session to end it; returns false if it is not open.</summary>
    ValueTask<bool> RequestKillAsync(string sessionId, DateTimeOffset requestedAt, string requestedBy, CancellationToken cancellationToken = default);

    ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Open sessions, oldest first, optionally only those of one gateway instance.</summary>
    ValueTask<IReadOnlyList<SessionRecord>> ListOpenAsync(string? instance = null, CancellationToken cancellationToken = default);
}
