namespace Airlock.Policy.Diagnostics;

/// <summary>One problem found in a policy bundle, with a stable error id and the place it was found.</summary>
public sealed record PolicyDiagnostic(string Id, SourceLocation Location, string Message)
{
    /// <summary>Formats as <c>file:line:col: error AL0201: message</c>, the shape compilers use, so editors can jump to it.</summary>
    public override string ToString() => $"{Location}: error {Id}: {Message}";
}
