namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// A labelled value inside a sample: its entity type and its exact UTF-16 span. Where a detector masks
/// only the secret part (the password of a URL, the key of a connection string, the credentials of a
/// header), the label covers only that part. <paramref name="AlsoAccepted"/> names the other types that
/// are right too, e.g. a JWT sent as "Authorization: Bearer eyJ…" is both a JWT and an auth header.
/// </summary>
internal sealed record Label(string EntityType, int Start, int Length, IReadOnlyList<string> AlsoAccepted)
{
    public int End => Start + Length;

    public bool Accepts(string entityType) => entityType == EntityType || AlsoAccepted.Contains(entityType);

    public bool Overlaps(int start, int end) => start < End && Start < end;
}

/// <summary>One line (or block) of text from a template, with every sensitive value in it labelled.</summary>
/// <param name="Id">Position in the corpus.</param>
/// <param name="Category">The entity type the sample was built for, <c>mixed</c>, or <c>negative</c> (no labels).</param>
/// <param name="Template">The template it came from, for reading failures.</param>
/// <param name="Text">The sample text.</param>
/// <param name="Labels">Every sensitive value in the text.</param>
internal sealed record LabelledSample(int Id, string Category, string Template, string Text, IReadOnlyList<Label> Labels)
{
    public string ValueOf(Label label) => Text.Substring(label.Start, label.Length);
}

/// <summary>A piece of generated text, with labels relative to its own start.</summary>
internal sealed record Fragment(string Text, IReadOnlyList<Label> Labels)
{
    public static Fragment Plain(string text) => new(text, []);

    /// <summary>The whole text is one value of <paramref name="entityType"/>.</summary>
    public static Fragment Whole(string entityType, string text) => new(text, [new Label(entityType, 0, text.Length, [])]);

    /// <summary>Only <paramref name="secret"/> is labelled; the prefix and suffix stay readable after masking.</summary>
    public static Fragment Part(string entityType, string prefix, string secret, string suffix = "") =>
        new(prefix + secret + suffix, [new Label(entityType, prefix.Length, secret.Length, [])]);

    public Fragment Accepting(IReadOnlyList<string> alsoAccepted) =>
        alsoAccepted.Count == 0 ? this : this with { Labels = [.. Labels.Select(l => l with { AlsoAccepted = alsoAccepted })] };
}
