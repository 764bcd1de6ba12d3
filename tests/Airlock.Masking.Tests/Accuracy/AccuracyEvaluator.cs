using Airlock.Masking.Detection;
using Airlock.Masking.Tests.Accuracy.Corpus;

namespace Airlock.Masking.Tests.Accuracy;

/// <summary>The figures for one entity type.</summary>
/// <param name="EntityType">The entity type scored.</param>
/// <param name="Labels">Labelled values of this type in the corpus.</param>
/// <param name="Found">Labels overlapped by a finding of this type (or of a type the label also accepts).</param>
/// <param name="Findings">Findings of this type.</param>
/// <param name="FalsePositives">Findings of this type that overlap no label accepting it.</param>
internal sealed record TypeScore(string EntityType, int Labels, int Found, int Findings, int FalsePositives)
{
    public int Missed => Labels - Found;

    public double Recall => Labels == 0 ? double.NaN : (double)Found / Labels;

    public double Precision => Findings == 0 ? double.NaN : (double)(Findings - FalsePositives) / Findings;
}

/// <summary>A labelled value no finding of its type overlapped, with whatever else was found over it.</summary>
internal sealed record Miss(LabelledSample Sample, Label Label, IReadOnlyList<Finding> Overlapping);

/// <summary>A finding that overlaps no label that accepts its type.</summary>
internal sealed record FalsePositive(LabelledSample Sample, Finding Finding);

internal sealed record AccuracyResult(IReadOnlyDictionary<string, TypeScore> Scores, IReadOnlyList<Miss> Misses, IReadOnlyList<FalsePositive> FalsePositives)
{
    public TypeScore ScoreOf(string entityType) =>
        Scores.TryGetValue(entityType, out var score) ? score : new TypeScore(entityType, 0, 0, 0, 0);
}

/// <summary>
/// Scores <see cref="MaskingEngine.Find"/> against labelled samples. A label is found when a finding of
/// its type overlaps it (so a detector may mask a little more or less than the label, e.g. "Bearer x"
/// or "x"); a finding is a false positive when it overlaps no label of its type. Recall is found over
/// labels, precision is findings that hit a label over all findings.
/// </summary>
internal static class AccuracyEvaluator
{
    public static AccuracyResult Evaluate(MaskingEngine engine, IEnumerable<LabelledSample> samples)
    {
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        var findings = new Dictionary<string, int>(StringComparer.Ordinal);
        var falsePositives = new Dictionary<string, int>(StringComparer.Ordinal);
        var misses = new List<Miss>();
        var wrong = new List<FalsePositive>();
        foreach (var sample in samples)
        {
            var results = engine.Find(sample.Text);
            foreach (var label in sample.Labels)
            {
                Increment(labels, label.EntityType);
                if (results.Any(f => label.Accepts(f.EntityType) && label.Overlaps(f.Start, f.End)))
                {
                    Increment(found, label.EntityType);
                }
                else
                {
                    misses.Add(new Miss(sample, label, [.. results.Where(f => label.Overlaps(f.Start, f.End))]));
                }
            }

            foreach (var finding in results)
            {
                Increment(findings, finding.EntityType);
                if (!sample.Labels.Any(l => l.Accepts(finding.EntityType) && l.Overlaps(finding.Start, finding.End)))
                {
                    Increment(falsePositives, finding.EntityType);
                    wrong.Add(new FalsePositive(sample, finding));
                }
            }
        }

        var types = labels.Keys.Union(findings.Keys, StringComparer.Ordinal);
        var scores = types.ToDictionary(
            t => t,
            t => new TypeScore(t, labels.GetValueOrDefault(t), found.GetValueOrDefault(t), findings.GetValueOrDefault(t), falsePositives.GetValueOrDefault(t)),
            StringComparer.Ordinal);
        return new AccuracyResult(scores, misses, wrong);
    }

    private static void Increment(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;
}
