using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;

/// <summary>
/// A bundle as read from its directory and validated. Compile it with
/// <see cref="Compilation.SnapshotCompiler"/> to decide anything.
/// </summary>
public sealed record PolicyBundle
{
    public required string Directory { get; init; }
    public required BundleRevision Revision { get; init; }
    public IReadOnlyList<ResourceDefinition> Resources { get; init; } = [];
    public IReadOnlyList<UserDefinition> Users { get; init; } = [];
    public IReadOnlyList<ServiceAccountDefinition> ServiceAccounts { get; init; } = [];
    public IReadOnlyList<GroupDefinition> Groups { get; init; } = [];
    public IReadOnlyList<GrantDefinition> Grants { get; init; } = [];
    public IReadOnlyList<RuleDefinition> Rules { get; init; } = [];
    public MaskingDefinition Masking { get; init; } = MaskingDefinition.Default;
    public SessionDefinitions Sessions { get; init; } = SessionDefinitions.Fallback;
    public IReadOnlyList<PolicyTestCase> Tests { get; init; } = [];
}

/// <summary>
/// Which version of a bundle this is: the SHA-256 of its files' paths and contents, and the git commit
/// when the directory is in a git work tree (marked dirty when the bundle has uncommitted changes).
/// </summary>
public sealed record BundleRevision(string ContentHash, string? GitCommit, bool GitDirty)
{
    /// <summary>The short form shown in decisions and audit records, e.g. <c>sha256:1a2b3c4d5e6f@git:0123abcd</c>.</summary>
    public override string ToString()
    {
        var text = $"sha256:{ContentHash[..12]}";
        if (GitCommit is not null)
        {
            text += $"@git:{GitCommit[..Math.Min(12, GitCommit.Length)]}{(GitDirty ? "+dirty" : string.Empty)}";
        }

        return text;
    }
}

/// <summary>The result of loading a bundle: the bundle when it is valid, and every problem found.</summary>
public sealed record BundleLoadResult(PolicyBundle? Bundle, IReadOnlyList<PolicyDiagnostic> Diagnostics, int FileCount)
{
    public bool Succeeded => Bundle is not null && Diagnostics.Count == 0;
}
