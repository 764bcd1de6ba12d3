using Airlock.Policy.Evaluation;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// One client session through the gateway, whatever the protocol. Holds who and where, the limits, and
/// the kill switch that <see cref="SessionRegistry.KillAsync"/> and the limits trip.
/// </summary>
public sealed class GatewaySession : IDisposable
{
    private readonly CancellationTokenSource _ended = new();
    private readonly TimeProvider _time;
    private (PolicySnapshot Snapshot, string GrantKey, bool Mfa, ResolvedPrincipal Principal)? _principal;
    private IReadOnlyList<GrantRecord> _grants = [];
    private long _lastActivityTicks;

    public GatewaySession(string id, GatewayUser user, string resource, string? client, string? application, DateTimeOffset startedAt, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
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

    /// <summary>When the user last stepped up with MFA (fresh or null): <c>mfa: required</c> holds for the session meanwhile.</summary>
    public Func<DateTimeOffset?>? MfaStepUp { get; set; }

    /// <summary>Whether MFA counts for this session now: from the login, or a fresh step-up.</summary>
    public bool Mfa => User.Mfa || MfaStepUp?.Invoke() is not null;

    /// <summary>The just-in-time grants this session's user holds on its resource (active, expired or not yet started), as last read from the store.</summary>
    public IReadOnlyList<GrantRecord> Grants => Volatile.Read(ref _grants);

    /// <summary>Replaces the grants (read from the store at start and then every check); the next decision sees them.</summary>
    public void SetGrants(IReadOnlyList<GrantRecord> grants) => Volatile.Write(ref _grants, grants ?? throw new ArgumentNullException(nameof(grants)));

    /// <summary>The grants in force now: started, not yet expired (to the tick of the clock), not revoked.</summary>
    public IReadOnlyList<GrantRecord> ActiveGrants()
    {
        var grants = Grants;
        if (grants.Count == 0)
        {
            // The common case, on every statement: no clock read, no allocation.
            return grants;
        }

        var now = _time.GetUtcNow();
        return [.. grants.Where(g => g.RevokedAt is null && g.From <= now && now < g.Until)];
    }

    /// <summary>The reason (an incident ticket) of the newest grant in force: policy's <c>ticket</c> conditions read it.</summary>
    public string? GrantReason() => Grants.Count == 0 ? null : ActiveGrants().OrderByDescending(g => g.From).Select(g => g.Reason).FirstOrDefault(r => r is not null);

    /// <summary>
    /// The principal as the given snapshot sees it, with the grants in force now. Resolved again when policy
    /// is reloaded or the grants in force change (one starts, expires or is revoked).
    /// </summary>
    public ResolvedPrincipal PrincipalFor(PolicySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var active = ActiveGrants();
        var grantKey = active.Count == 0 ? string.Empty : string.Join(",", active.Select(g => g.Id));
        var mfa = Mfa;
        if (_principal is { } cached && ReferenceEquals(cached.Snapshot, snapshot) && cached.GrantKey == grantKey && cached.Mfa == mfa)
        {
            return cached.Principal;
        }

        var principal = snapshot.ResolvePrincipal(User.PrincipalInfo() with { Mfa = mfa, Grants = [.. active.Select(g => g.Grant).Distinct(StringComparer.Ordinal)] });
        _principal = (snapshot, grantKey, mfa, principal);
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

        try
        {
            _ended.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection already closed and disposed the session while the registry was shutting down:
            // nothing is listening for the cancellation any more.
        }

        return true;
    }

    public void Dispose() => _ended.Dispose();
}
