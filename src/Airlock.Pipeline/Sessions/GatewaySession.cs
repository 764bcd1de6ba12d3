using Airlock.Policy.Evaluation;

namespace Airlock.Pipeline;

/// <summary>
/// One client session through the gateway, whatever the protocol. Holds who and where, the limits, and
/// the kill switch that <see cref="SessionRegistry.KillAsync"/> and the limits trip.
/// </summary>
public sealed class GatewaySession : IDisposable
{
    private readonly CancellationTokenSource _ended = new();
    private (PolicySnapshot Snapshot, ResolvedPrincipal Principal)? _principal;
    private long _lastActivityTicks;

    public GatewaySession(string id, GatewayUser user, string resource, string? client, string? application, DateTimeOffset startedAt)
    {
        Id = id;
        User = user;
        Resource = resource;
        Client = client;
        Application = application;
        StartedAt = startedAt;
        _lastActivityTicks = startedAt.UtcTicks;
    }

    public string Id { get; }

    public GatewayUser User { get; }

    public string Resource { get; }

    public string? Client { get; }

    public string? Application { get; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>Runs in PostgreSQL's read-only transaction mode: policy allows this principal nothing but reads here.</summary>
    public bool ReadOnly { get; set; }

    /// <summary>Statements run so far.</summary>
    public long Statements { get; private set; }

    /// <summary>Cancelled when the session must end: killed by an admin, or past a limit. <see cref="EndReason"/> says why.</summary>
    public CancellationToken Ended => _ended.Token;

    public SessionEnd? EndReason { get; private set; }

    /// <summary>The principal as the given snapshot sees it, resolved once per snapshot (policy reloads re-resolve).</summary>
    public ResolvedPrincipal PrincipalFor(PolicySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_principal is { } cached && ReferenceEquals(cached.Snapshot, snapshot))
        {
            return cached.Principal;
        }

        var principal = snapshot.ResolvePrincipal(new PrincipalInfo { User = User.Name, IdpGroups = User.IdpGroups, Mfa = User.Mfa });
        _principal = (snapshot, principal);
        return principal;
    }

    public void Touch(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _lastActivityTicks, now.UtcTicks);
        Statements++;
    }

    /// <summary>Ends the session (once); the adapter sees <see cref="Ended"/> and closes the connection with <paramref name="end"/>'s error.</summary>
    public bool End(SessionEnd end)
    {
        lock (_ended)
        {
            if (EndReason is not null)
            {
                return false;
            }

            EndReason = end;
        }

        _ended.Cancel();
        return true;
    }

    public void Dispose() => _ended.Dispose();
}
