using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Configuration;

/// <summary>One problem in the configuration file, with a stable id (<see cref="GatewayErrors"/>) and its place.</summary>
public sealed record ConfigDiagnostic(string Id, SourceLocation Location, string Message)
{
    /// <summary>Formats as <c>file:line:col: error AL0803: message</c>, the shape compilers use.</summary>
    public override string ToString() => $"{Location}: error {Id}: {Message}";
}

/// <summary>The result of loading a configuration file: the configuration when it is valid, and every problem found.</summary>
public sealed record GatewayConfigLoadResult(GatewayConfig? Config, IReadOnlyList<ConfigDiagnostic> Diagnostics)
{
    public bool Succeeded => Config is not null && Diagnostics.Count == 0;
}
