namespace Airlock.Benchmarks.Masking;

/// <summary>
/// A value planted in a text, where it is (UTF-16 offsets) and what it is. Sensitive labels carry an
/// entity type from <see cref="Airlock.Masking.EntityTypes"/>; benign ones (timestamps, request ids,
/// order ids, prices) are there to show what a masker destroys that it should have kept.
/// </summary>
internal readonly record struct Label(string Type, int Start, int Length, bool Sensitive)
{
    public int End => Start + Length;
}

/// <summary>One document of the corpus: a log line or a sentence, with its labels.</summary>
internal sealed record LabelledText(string Text, IReadOnlyList<Label> Labels);
