using Airlock.Masking.Detection;

namespace Airlock.Masking;

/// <summary>How many values of each entity type were masked: what the audit records, never the values.</summary>
public sealed class MaskingCounts
{
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> ByEntityType => _counts;

    public long Total => _counts.Values.Sum();

    public void Add(string entityType, long count = 1) => _counts[entityType] = _counts.GetValueOrDefault(entityType) + count;

    internal void Add(in Finding finding) => Add(finding.EntityType);
}
