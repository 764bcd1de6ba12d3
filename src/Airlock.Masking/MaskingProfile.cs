using Airlock.Masking.Strategies;

namespace Airlock.Masking;

/// <summary>
/// How an engine masks: the strategy for each entity type (the documented defaults, overridable by
/// policy) and the key behind token, format and hash output.
/// </summary>
public sealed record MaskingProfile
{
    public required MaskingKey Key { get; init; }

    /// <summary>Overrides of <see cref="EntityTypes.Defaults"/>, e.g. from a bundle's <c>masking.entities</c>.</summary>
    public IReadOnlyDictionary<string, MaskingStrategy> Strategies { get; init; } = new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal);

    public MaskingStrategy StrategyFor(string entityType) =>
        Strategies.TryGetValue(entityType, out var chosen) ? chosen
        : EntityTypes.Defaults.TryGetValue(entityType, out var fallback) ? fallback
        : MaskingStrategy.Redact;

    /// <summary>Every detector, default strategies, and a key from <c>AIRLOCK_MASKING_KEY</c> or a fresh random one.</summary>
    public static MaskingProfile Default() => new()
    {
        Key = Environment.GetEnvironmentVariable("AIRLOCK_MASKING_KEY") is { Length: > 0 } text ? MaskingKey.FromText(text) : MaskingKey.Random(),
    };
}
