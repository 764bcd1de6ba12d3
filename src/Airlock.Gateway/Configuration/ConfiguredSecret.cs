using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// A secret as the configuration names it: the reference (a <c>file:</c> path is absolute) and where it was
/// written, so a failure to read it later can point at the line.
/// </summary>
public sealed record ConfiguredSecret(SecretReference Reference, SourceLocation Location)
{
    public override string ToString() => Reference.ToString();
}
