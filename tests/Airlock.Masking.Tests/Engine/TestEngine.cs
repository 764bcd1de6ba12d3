using Airlock.Masking.Strategies;

namespace Airlock.Masking.Tests.Engine;

/// <summary>An engine with a fixed key, so token, format and hash output is stable across runs.</summary>
internal static class TestEngine
{
    public static readonly MaskingKey Key = new("0123456789abcdef0123456789abcdef"u8);

    public static MaskingEngine Create(IReadOnlyDictionary<string, MaskingStrategy>? strategies = null) =>
        new(new MaskingProfile { Key = Key, Strategies = strategies ?? new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal) });
}
