using System.Collections.Concurrent;
using Airlock.Audit;
using Airlock.Policy.Evaluation;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// The open sessions of this gateway instance. Records each session in the store (so any instance can
/// list it) and in the audit trail, enforces the policy's duration and idle limits once a second, and
/// ends sessions killed through the admin API — here, or through the store from another instance.
/// </summary>
public sealed partial class SessionRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);
    private readonly IAirlockStore _store;
    private readonly AuditTrail _audit;
    private readonly Func<PolicySnapshot> _policy;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    public SessionRegistry(string instance, IAirlockStore store, AuditTrail audit, Func<PolicySnapshot> policy, TimeProvider time, TimeSpan? checkEvery = null)
    {
        Instance = instance;
        _store = store;
        _audit = audit;
        _policy = policy;
        _time = time;
        _lastRevocationCheck = time.GetUtcNow();
        _watch = Task.Run(() => WatchAsync(checkEvery ?? TimeSpan.FromSeconds(1)));
    }

    public string Instance { get; }

    public IReadOnlyCollection<GatewaySession> Open => [.. _sessions.Values];

    /// <summary>Registers a new session, records it, and writes <c>session.start</c> (write-ahead: before any statement).</summary>
    public async ValueTask<GatewaySession> StartAsync(GatewayUser user, string resource, string? client, string? application, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var session = new GatewaySession(NewId(), user, resource, client, application, _time.GetUtcNow(), _time);
        session.SetGrants(await GrantsForAsync(user.Name, resource, cancellationToken));
        if (MfaFreshSince is { } stepUp)
        {
            session.MfaStepUp = () => stepUp(user.Name);
        }

        // Counted and registered under one lock: two logins at once cannot both take the last seat.
        await _starting.WaitAsync(cancellationToken);
        try
        {
            await CheckCapsAsync(session, cancellationToken);
            return await RecordStartAsync(session, cancellationToken);
        }
        finally
        {
            _starting.Release();
        }
    }

    private async ValueTask<GatewaySession> RecordStartAsync(GatewaySession session, CancellationToken cancellationToken)
    {
        var (user, resource, client, application) = (session.User, session.Resource, session.Client, session.Application);

        await _audit.AppendAsync(
            new AuditEvent
            {
                Kind = AuditEventKinds.SessionStart,
                SessionId = session.Id,
                User = user.Name,
                Groups = [.. session.PrincipalFor(_policy()).Groups],
                Mfa = user.Mfa,
                Resource = resource,
                Client = client,
                Detail = application is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { ["application"] = application, ["instance"] = Instance },
            },
            cancellationToken);
        await _store.Sessions.StartAsync(
            new SessionRecord { Id = session.Id, User = user.Name, Resource = resource, ClientAddress = client, Application = application, Instance = Instance, StartedAt = session.StartedAt },
            cancellationToken);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>Closes a session's records. Safe to call once per session, whatever ended it.</summary>
    public async ValueTask EndAsync(GatewaySession session, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_sessions.TryRemove(session.Id, out _))
        {
            return;
        }

        var now = _time.GetUtcNow();
        try
        {
            await _store.Sessions.EndAsync(session.Id, now, reason);
            await _audit.AppendAsync(new AuditEvent
            {
                Kind = AuditEventKinds.SessionEnd,
                SessionId = session.Id,
                User = session.User.Name,
                Resource = session.Resource,
                Client = session.Client,
                DurationMicros = (long)(now - session.StartedAt).TotalMicroseconds,
                Outcome = reason,
                Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["statements"] = session.Statements.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
        }
        catch (Exception ex) when (ex is StoreException or AuditUnavailableException)
        {
            // The session is over either way; the outage is reported by the trail's health.
        }
    }

    /// <summary>Kills a session of this instance now, or asks its instance to through the store. False when no such open session.</summary>
    public async ValueTask<bool> KillAsync(string sessionId, string by, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var requested = await _store.Sessions.RequestKillAsync(sessionId, now, by, cancellationToken);
        var local = _sessions.TryGetValue(sessionId, out var session) && session.End(SessionEnd.Killed(by));
        if (requested || local)
        {
            await _audit.AppendAsync(
                new AuditEvent { Kind = AuditEventKinds.Admin, User = by, SessionId = sessionId, Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["action"] = "session.kill" } },
                cancellationToken);
        }

        return requested || local;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
#pragma warning disable VSTHRD003 // Our own loop, started in the constructor.
        await _watch;
#pragma warning restore VSTHRD003
        foreach (var session in _sessions.Values)
        {
            session.End(SessionEnd.Shutdown);
        }

        _stop.Dispose();
        _starting.Dispose();
    }

    private static string NewId() => Guid.CreateVersion7().ToString("N")[..20];

    private async Task WatchAsync(TimeSpan every)
    {
        using var timer = new PeriodicTimer(every, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await CheckOnceAsync(_stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal.
        }
    }

    /// <summary>When a user last stepped up with MFA, if still fresh (<see cref="Airlock.Pipeline.MfaStepUp.FreshSince"/>).</summary>
    public Func<string, DateTimeOffset?>? MfaFreshSince { get; set; }

    /// <summary>Reads again the MFA step-ups made on other gateways (<see cref="Airlock.Pipeline.MfaStepUp.RefreshAsync"/>), once a check.</summary>
    public Func<CancellationToken, ValueTask>? RefreshStepUps { get; set; }

    /// <summary>
    /// The ids of revocable credentials (API tokens, Airlock session tokens) revoked at or after a time, on any
    /// gateway sharing the store: one question a check, however many sessions are open. Expiry needs no
    /// question: each session knows when its credential ends (<see cref="GatewayUser.ValidUntil"/>).
    /// </summary>
    public Func<DateTimeOffset, CancellationToken, ValueTask<IReadOnlyCollection<string>>>? CredentialsRevokedSince { get; set; }

    /// <summary>How far back each check looks for revocations, beyond the last check: room for clocks that differ between gateways.</summary>
    private static readonly TimeSpan RevocationMargin = TimeSpan.FromMinutes(1);

    /// <summary>When revocations were last asked for (at first: when this registry started; a session starts with a credential in force).</summary>
    private DateTimeOffset _lastRevocationCheck;

    /// <summary>Ends this instance's sessions that logged in with a credential (revoked now); other instances see it within a check.</summary>
    public ValueTask EndCredentialSessionsAsync(string credentialId, CancellationToken cancellationToken)
    {
        foreach (var session in _sessions.Values.Where(s => s.User.CredentialId == credentialId))
        {
            session.End(SessionEnd.Killed($"the revocation of {CredentialName(credentialId)}"));
        }

        return ValueTask.CompletedTask;
    }

    private static string CredentialName(string id) => id.StartsWith("lgn_", StringComparison.Ordinal) ? $"Airlock login {id}" : $"API token {id}";

    /// <summary>
    /// Reads again the grants of the open sessions (of one user, or all): a grant approved since a session
    /// started applies to its next statement, and a session that held a grant which is now revoked ends.
    /// </summary>
    public async ValueTask RefreshGrantsAsync(string? user, CancellationToken cancellationToken)
    {
        var sessions = _sessions.Values.Where(s => user is null || s.User.Name == user).ToList();
        if (sessions.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var active = await _store.Grants.ListActiveAsync(now, user, cancellationToken);
        foreach (var session in sessions)
        {
            var grants = active.Where(g => g.User == session.User.Name && (g.Resource is null || g.Resource == session.Resource)).ToList();

            // Held before, gone now though its time was not up: revoked. What ran on it ends with it.
            if (session.Grants.FirstOrDefault(old => old.Until > now && old.From <= now && grants.All(g => g.Id != old.Id)) is { } revoked)
            {
                session.End(SessionEnd.Killed($"the revocation of grant {revoked.Id} ({revoked.Grant})"));
            }

            session.SetGrants(grants);
        }
    }

    private async ValueTask<IReadOnlyList<GrantRecord>> GrantsForAsync(string user, string resource, CancellationToken cancellationToken) =>
        [.. (await _store.Grants.ListActiveAsync(_time.GetUtcNow(), user, cancellationToken)).Where(g => g.Resource is null || g.Resource == resource)];

    /// <summary>Ends sessions past their limits, sessions another instance asked to kill, and sessions whose grant was revoked.</summary>
    internal async ValueTask CheckOnceAsync(CancellationToken cancellationToken)
    {
        if (_sessions.IsEmpty)
        {
            return;
        }

        try
        {
            await RefreshGrantsAsync(user: null, cancellationToken);
            if (RefreshStepUps is { } refresh)
            {
                await refresh(cancellationToken);
            }

            if (CredentialsRevokedSince is { } revokedSince && _sessions.Values.Any(s => s.User.CredentialId is not null))
            {
                var checkedAt = _time.GetUtcNow();
                var since = _lastRevocationCheck - RevocationMargin;
                var revoked = (await revokedSince(since, cancellationToken)).ToHashSet(StringComparer.Ordinal);
                foreach (var session in _sessions.Values.Where(s => s.User.CredentialId is { } id && revoked.Contains(id)))
                {
                    session.End(SessionEnd.Killed($"the revocation of {CredentialName(session.User.CredentialId!)}"));
                }

                _lastRevocationCheck = checkedAt;
            }
        }
        catch (StoreException)
        {
            // Grants already read stay as they were (expiry still applies by the clock); the next check retries.
        }

        var now = _time.GetUtcNow();
        var policy = _policy();
        foreach (var session in _sessions.Values)
        {
            var limits = policy.ResolveSessionLimits(session.PrincipalFor(policy), session.Resource);
            if (session.User.ValidUntil is { } until && now >= until)
            {
                // By the clock, even while the store is away: an IdP token's exp, a session or API token's end.
                session.End(SessionEnd.CredentialExpired(session.User.CredentialId is { } id ? CredentialName(id) : "the identity provider's token it logged in with"));
            }
            else if (limits.Max is { } max && now - session.StartedAt >= max)
            {
                session.End(SessionEnd.MaxDuration(max));
            }
            else if (limits.Idle is { } idle && now - session.LastActivity >= idle)
            {
                session.End(SessionEnd.Idle(idle));
            }
        }

        try
        {
            foreach (var record in await _store.Sessions.ListOpenAsync(Instance, cancellationToken))
            {
                if (record.KillRequestedAt is not null && _sessions.TryGetValue(record.Id, out var session))
                {
                    session.End(SessionEnd.Killed(record.KillRequestedBy ?? "an administrator"));
                }
            }
        }
        catch (StoreException)
        {
            // Kills from other instances wait for the store to come back; local limits still apply.
        }
    }
}
