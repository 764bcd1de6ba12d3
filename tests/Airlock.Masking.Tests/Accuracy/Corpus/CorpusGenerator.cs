using System.Text;

namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// Builds the labelled corpus in memory from <see cref="Templates"/> with one fixed seed: the same seed
/// always gives the same samples, so a figure in docs/masking.md can be reproduced exactly. Templates are
/// used in turn, so every shape gets its share of samples.
/// </summary>
internal static class CorpusGenerator
{
    public const int DefaultSeed = 20_240_517;
    public const int SamplesPerType = 200;
    public const int MixedSamples = 400;
    public const int NegativeSamples = 600;

    private const char Open = '«';
    private const char Close = '»';

    public static IReadOnlyList<LabelledSample> Generate(int seed = DefaultSeed)
    {
        var random = new CorpusRandom(seed);
        var samples = new List<LabelledSample>();
        foreach (var (type, templates) in Templates.ByType)
        {
            AddSamples(samples, random, type, templates, SamplesPerType);
        }

        AddSamples(samples, random, "mixed", Templates.Mixed, MixedSamples);
        AddSamples(samples, random, "negative", Templates.Negative, NegativeSamples);
        return samples;
    }

    /// <summary>Expands one template: each «token» becomes its fragment, and the fragment's labels move to where it landed.</summary>
    public static (string Text, IReadOnlyList<Label> Labels) Expand(string template, CorpusRandom random)
    {
        var text = new StringBuilder();
        var labels = new List<Label>();
        var at = 0;
        while (at < template.Length)
        {
            var open = template.IndexOf(Open, at);
            if (open < 0)
            {
                text.Append(template, at, template.Length - at);
                break;
            }

            text.Append(template, at, open - at);
            var close = template.IndexOf(Close, open);
            var token = template[(open + 1)..close].Split('|');
            if (!Tokens.All.TryGetValue(token[0], out var generate))
            {
                throw new InvalidOperationException($"unknown token «{token[0]}» in template: {template}");
            }

            var fragment = generate(random).Accepting(token[1..]);
            var offset = text.Length;
            text.Append(fragment.Text);
            labels.AddRange(fragment.Labels.Select(l => l with { Start = l.Start + offset }));
            at = close + 1;
        }

        return (text.ToString(), labels);
    }

    private static void AddSamples(List<LabelledSample> samples, CorpusRandom random, string category, string[] templates, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var template = templates[i % templates.Length];
            var (text, labels) = Expand(template, random);
            samples.Add(new LabelledSample(samples.Count, category, template, text, labels));
        }
    }
}
