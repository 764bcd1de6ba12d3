using Airlock.Audit;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Store;

namespace Airlock.Gateway.Policies;

/// <summary>
/// Holds the policy in force and replaces it when the bundle changes. Readers take <see cref="Current"/>
/// without a lock (one volatile read of an immutable snapshot); a load builds a whole new snapshot and
/// swaps it in. A bundle that fails check is never loaded: the last good revision stays in force.
/// </summary>
/// <remarks>
/// <code>
///  StartAsync ─► bundle on disk ──checks──► save files as last good ─► audit policy.loaded ─► swap in
///                     │ fails
///                     ▼
///               store's last good ──checks──► audit policy.rejected (disk's errors) ─► policy.loaded ─► swap in
///                     │ none, or fails too
///                     ▼
///               audit policy.rejected ─► throw PolicyHostException (AL0810 / AL0811)
///
///  file watcher ─(300 ms quiet)─┐
///  ReloadAsync ─────────────────┴► same content hash? ─► nothing
///                                  checks? ─► save, audit policy.loaded, swap, Changed
///                                  fails?  ─► audit policy.rejected (once per content), Rejected; keep current
/// </code>
/// Loads run one at a time; events are raised after the swap, outside the load lock.
/// </remarks>
public sealed partial class PolicyHost : IAsyncDisposable
{
    private readonly PolicyHostOptions _options;
    private readonly IAirlockStore _store;
    private readonly AuditTrail _audit;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile PolicyHostState? _state;
    private (string ContentHash, IReadOnlyList<PolicyDiagnostic> Diagnostics)? _lastRejected;
    private int _started;

    /// <summary>A host for the bundle in <see cref="PolicyHostOptions.Directory"/>; nothing is loaded until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Where the bundle is and how to watch it.</param>
    /// <param name="store">Keeps the last good revision's files (<see cref="IAirlockStore.PolicyRevisions"/>).</param>
    /// <param name="audit">Records every load and rejection.</param>
    /// <param name="time">The clock for load times and the debounce timer.</param>
    public PolicyHost(PolicyHostOptions options, IAirlockStore store, AuditTrail audit, TimeProvider? time = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _time = time ?? TimeProvider.System;
        Directory = Path.GetFullPath(options.Directory);
    }

    /// <summary>A new snapshot is in force. Raised after the swap, on the thread that loaded it.</summary>
    public event EventHandler<PolicyChangedEventArgs>? Changed;

    /// <summary>A bundle failed check (raised once per distinct content); the policy in force did not change.</summary>
    public event EventHandler<PolicyRejectedEventArgs>? Rejected;

    /// <summary>A reload started by the file watcher failed outright (the audit trail or the store); the policy in force did not change.</summary>
    public event EventHandler<PolicyReloadFailedEventArgs>? ReloadFailed;

    /// <summary>The bundle directory, absolute.</summary>
    public string Directory { get; }

    /// <summary>The policy in force. Lock-free; throws before <see cref="StartAsync"/> has loaded one.</summary>
    public PolicySnapshot Current => State.Snapshot;

    /// <summary>The policy in force with when and why it was loaded.</summary>
    public PolicyHostState State => _state ?? throw new InvalidOperationException("the policy host has not started");

    /// <summary>
    /// Loads the bundle (or, when it fails check, the store's last good revision), and starts watching the
    /// directory when <see cref="PolicyHostOptions.Watch"/> is set.
    /// </summary>
    /// <exception cref="PolicyHostException">Neither the bundle nor a last good revision checks.</exception>
    /// <exception cref="AuditUnavailableException">The load could not be audited (with <c>audit.required</c>).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the policy host has already been started");
        }

        // Watch before the first read, so that a change made while it loads is not missed.
        if (_options.Watch)
        {
            StartWatching();
        }

        PolicyChange change;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            change = await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        Raise(change);
    }

    /// <summary>
    /// Loads the bundle again now (the admin API and tests call this; the watcher does the same on its own).
    /// Returns what happened; a bundle that fails check is <see cref="PolicyReloadOutcome.Rejected"/>, not an exception.
    /// </summary>
    /// <exception cref="AuditUnavailableException">The load or rejection could not be audited (with <c>audit.required</c>); nothing changed.</exception>
    public Task<PolicyReloadResult> ReloadAsync(CancellationToken cancellationToken = default) =>
        ReloadWithTriggerAsync(PolicyReloadTriggers.Reload, cancellationToken);

    /// <summary>Stops watching and waits for a reload in progress; the last snapshot stays readable.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        await StopWatchingAsync();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private async Task<PolicyReloadResult> ReloadWithTriggerAsync(string trigger, CancellationToken cancellationToken)
    {
        if (_state is null)
        {
            throw new InvalidOperationException("the policy host has not started");
        }

        PolicyChange change;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            change = await ReloadCoreAsync(trigger, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        Raise(change);
        return change.Result;
    }

    private void Raise(PolicyChange change)
    {
        // Why before what: a start that fell back reports the disk's rejection, then the revision that took over.
        if (change.Rejected is { } rejected)
        {
            Rejected?.Invoke(this, rejected);
        }

        if (change.Changed is { } changed)
        {
            Changed?.Invoke(this, changed);
        }
    }

    /// <summary>What a load did, with the events to raise once the load lock is released.</summary>
    private sealed record PolicyChange(PolicyReloadResult Result, PolicyChangedEventArgs? Changed, PolicyRejectedEventArgs? Rejected);
}
