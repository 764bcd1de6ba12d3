using System.Text;

namespace Airlock.Masking;

/// <summary>
/// Masks the values of one column. Built once per result column (from the policy's decision and the
/// column's name), then called for every row: a value with nothing to mask comes back as the same
/// instance, without allocating.
/// </summary>
public sealed class ColumnMasker
{
    private readonly MaskingEngine _engine;

    internal ColumnMasker(MaskingEngine engine, string? entityType, MaskingStrategy? strategy)
    {
        _engine = engine;
        EntityType = entityType;
        Strategy = strategy;
    }

    /// <summary>The entity type of the whole column, when the column is sensitive.</summary>
    public string? EntityType { get; }

    /// <summary>The strategy for the whole column; null when only the detectors apply.</summary>
    public MaskingStrategy? Strategy { get; }

    public bool MasksWholeValues => Strategy is not null;

    /// <summary>Masks one value. Null stays null; <see cref="MaskingStrategy.Null"/> gives null.</summary>
    public string? Mask(string? value, MaskingCounts? counts = null)
    {
        if (value is null)
        {
            return null;
        }

        if (Strategy is { } strategy)
        {
            return _engine.MaskWhole(EntityType!, strategy, value, counts);
        }

        var findings = MaskingEngine.Rent();
        _engine.Scan(value, findings);
        if (findings.Count == 0)
        {
            return value;
        }

        var masked = new StringBuilder(value.Length + 16);
        _engine.Apply(value, findings, 0, findings.Count, masked, counts);
        findings.Clear();
        return masked.ToString();
    }

}
