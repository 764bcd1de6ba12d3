using Airlock.Policy.Evaluation;

namespace Airlock.Gateway.Policies;

/// <summary>The policy in force, swapped whole: the snapshot, when and why it was loaded, and whether it is the store's last good revision.</summary>
public sealed record PolicyHostState(PolicySnapshot Snapshot, DateTimeOffset LoadedAt, string Trigger, bool FromLastGood);

/// <summary>What started a load; the audit events carry it as <c>trigger</c>.</summary>
public static class PolicyReloadTriggers
{
    public const string Startup = "startup";
    public const string Watch = "watch";
    public const string Reload = "reload";
    public const string LastGood = "last-good";
}
