using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;

namespace Airlock.Gateway.Policies;

public enum PolicyReloadOutcome
{
    /// <summary>A new revision checked and is now in force.</summary>
    Loaded,

    /// <summary>The bundle's content hash is the one in force: nothing was done.</summary>
    Unchanged,

    /// <summary>The bundle failed check; the revision in force stays.</summary>
    Rejected,
}

/// <summary>What a reload did, the snapshot in force after it, and every problem when it was rejected.</summary>
public sealed record PolicyReloadResult(PolicyReloadOutcome Outcome, PolicySnapshot Current, IReadOnlyList<PolicyDiagnostic> Diagnostics);
