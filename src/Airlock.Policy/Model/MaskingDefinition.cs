using Airlock.Masking;
using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;


/// <summary>
/// The bundle's masking settings. Masking is on unless a bundle turns it off: every result passes the
/// detectors, columns with sensitive names or column rules are masked, and only <see cref="Unmask"/>
/// grants show raw values.
/// </summary>
public sealed record MaskingDefinition
{
    public static MaskingDefinition Default { get; } = new();

    public bool Enabled { get; init; } = true;
    public IReadOnlyList<ColumnMaskRule> Columns { get; init; } = [];
    public IReadOnlyDictionary<string, MaskingStrategy> Entities { get; init; } = new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal);
    public IReadOnlyList<UnmaskGrant> Unmask { get; init; } = [];
    public SourceLocation Location { get; init; }
}

/// <summary>A column pattern <c>table.column</c> (globs allowed) and the strategy for its values.</summary>
public sealed record ColumnMaskRule(string Pattern, MaskingStrategy Strategy, SourceLocation Location);

/// <summary>An explicit, audited permission for some principals to see some columns or entity types unmasked.</summary>
public sealed record UnmaskGrant
{
    public required string Id { get; init; }
    public PrincipalSelector Principals { get; init; } = PrincipalSelector.Anyone;
    public ResourceSelector Resources { get; init; } = ResourceSelector.Any;
    public IReadOnlyList<string> Columns { get; init; } = [];
    public IReadOnlyList<string> Entities { get; init; } = [];
    public SourceLocation Location { get; init; }
}
