using Airlock.Masking.Strategies;
using Airlock.Masking.Tests.Accuracy.Corpus;

namespace Airlock.Masking.Tests.Accuracy;

/// <summary>The corpus and its evaluation, computed once and shared by the accuracy tests.</summary>
internal static class AccuracyRun
{
    /// <summary>Every detector in the catalog, default strategies, and a fixed key.</summary>
    public static MaskingEngine Engine { get; } = new(new MaskingProfile { Key = new MaskingKey("airlock-accuracy-corpus-key-0001"u8) });

    private static readonly Lazy<IReadOnlyList<LabelledSample>> LazyCorpus = new(() => CorpusGenerator.Generate());
    private static readonly Lazy<AccuracyResult> LazyResult = new(() => AccuracyEvaluator.Evaluate(Engine, Corpus));

    public static IReadOnlyList<LabelledSample> Corpus => LazyCorpus.Value;

    public static AccuracyResult Result => LazyResult.Value;

    /// <summary>A one-line view of a sample for failure messages, with the label's value in brackets.</summary>
    public static string Describe(LabelledSample sample, int start, int length)
    {
        var text = sample.Text;
        var shown = $"{text[..start]}[[{text.Substring(start, length)}]]{text[(start + length)..]}".Replace("\n", "\\n", StringComparison.Ordinal);
        return shown.Length > 300 ? shown[..300] + "…" : shown;
    }
}
