using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Policies;

/// <summary>The policy host cannot start: no bundle checks, neither on disk nor the store's last good revision.</summary>
public sealed class PolicyHostException(string errorId, string message, IReadOnlyList<PolicyDiagnostic> diagnostics)
    : GatewayException(errorId, message)
{
    /// <summary>Every problem found, those of the bundle on disk first.</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; } = diagnostics;
}
