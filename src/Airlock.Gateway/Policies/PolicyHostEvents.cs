using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Policies;

/// <summary>A new snapshot is in force (<see cref="PolicyHost.Changed"/>).</summary>
public sealed class PolicyChangedEventArgs(PolicySnapshot? previous, PolicySnapshot current, string trigger) : EventArgs
{
    /// <summary>The snapshot that was in force before; null for the first load.</summary>
    public PolicySnapshot? Previous { get; } = previous;

    public PolicySnapshot Current { get; } = current;

    /// <summary>One of <see cref="PolicyReloadTriggers"/>.</summary>
    public string Trigger { get; } = trigger;
}

/// <summary>A bundle failed check and was not loaded (<see cref="PolicyHost.Rejected"/>).</summary>
public sealed class PolicyRejectedEventArgs(IReadOnlyList<PolicyDiagnostic> diagnostics, BundleRevision? kept, string trigger) : EventArgs
{
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; } = diagnostics;

    /// <summary>The revision that stays in force; null when none is (a failed start).</summary>
    public BundleRevision? Kept { get; } = kept;

    public string Trigger { get; } = trigger;
}

/// <summary>A reload started by the file watcher failed for a reason other than the bundle (the audit or the store); see <see cref="PolicyHost.ReloadFailed"/>.</summary>
public sealed class PolicyReloadFailedEventArgs(Exception exception) : EventArgs
{
    public Exception Exception { get; } = exception;
}
