using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Airlock.Masking.Tests.Accuracy.Corpus;

namespace Airlock.Masking.Tests.Accuracy;

/// <summary>
/// The corpus itself: deterministic, big enough, labels in bounds, and every labelled value valid by an
/// check written here rather than the detector's, so a recall figure never rests on a broken sample.
/// </summary>
public sealed class CorpusTests
{
    [Fact]
    public void The_same_seed_gives_the_same_corpus_and_another_seed_a_different_one()
    {
        var again = CorpusGenerator.Generate();
        Assert.Equal(AccuracyRun.Corpus.Select(s => s.Text), again.Select(s => s.Text));
        Assert.Equal(AccuracyReport.Fingerprint(AccuracyRun.Corpus), AccuracyReport.Fingerprint(again));
        Assert.NotEqual(AccuracyReport.Fingerprint(AccuracyRun.Corpus), AccuracyReport.Fingerprint(CorpusGenerator.Generate(seed: 7)));
    }

    [Fact]
    public void Has_thousands_of_samples_and_every_type_is_labelled_often()
    {
        Assert.InRange(AccuracyRun.Corpus.Count, 3000, 20_000);
        var byType = AccuracyRun.Corpus.SelectMany(s => s.Labels).GroupBy(l => l.EntityType).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var type in AccuracyReport.StructuredTypes.Concat(AccuracyReport.ContextTypes))
        {
            Assert.True(byType.GetValueOrDefault(type) >= CorpusGenerator.SamplesPerType, $"{type}: {byType.GetValueOrDefault(type)} labels");
        }

        Assert.All(AccuracyRun.Corpus.Where(s => s.Category == "negative"), s => Assert.Empty(s.Labels));
    }

    [Fact]
    public void Labels_are_in_bounds_and_do_not_overlap()
    {
        foreach (var sample in AccuracyRun.Corpus)
        {
            var ordered = sample.Labels.OrderBy(l => l.Start).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                Assert.InRange(ordered[i].Start, 0, sample.Text.Length - 1);
                Assert.InRange(ordered[i].End, ordered[i].Start + 1, sample.Text.Length);
                Assert.True(i == 0 || ordered[i - 1].End <= ordered[i].Start, sample.Text);
            }
        }
    }

    [Fact]
    public void Every_labelled_value_is_valid()
    {
        foreach (var sample in AccuracyRun.Corpus)
        {
            foreach (var label in sample.Labels)
            {
                var value = sample.ValueOf(label);
                Assert.True(IsValid(label.EntityType, value), $"invalid {label.EntityType} '{value}' in: {sample.Text}");
            }
        }
    }

    [Fact]
    public void Hand_written_hard_negatives_cover_every_category()
    {
        Assert.True(HardNegatives.All.Count >= 60, $"{HardNegatives.All.Count} hard negatives");
        foreach (var group in HardNegatives.All.GroupBy(n => n.Category))
        {
            Assert.True(group.Count() >= 5, $"{group.Key}: {group.Count()}");
        }

        Assert.Equal(12, HardNegatives.All.Select(n => n.Category).Distinct().Count());
        foreach (var (_, text) in HardNegatives.All.Where(n => n.Category == HardNegatives.LuhnInvalid))
        {
            var digits = new string([.. text.SkipWhile(c => !char.IsAsciiDigit(c)).TakeWhile(c => char.IsAsciiDigit(c) || c is ' ' or '-').Where(char.IsAsciiDigit)]);
            Assert.Equal(16, digits.Length);
            Assert.False(Checksums.IsLuhnValid(digits), text);
        }
    }

    private static bool IsValid(string entityType, string value)
    {
        var compact = value.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        switch (entityType)
        {
            case EntityTypes.Card:
                return compact.Length is >= 12 and <= 19 && compact.All(char.IsAsciiDigit) && Checksums.IsLuhnValid(compact);
            case EntityTypes.Iban:
                return Checksums.IsIbanValid(compact);
            case EntityTypes.AbaRouting:
                return Checksums.IsAbaValid(value);
            case EntityTypes.Ssn:
                var area = int.Parse(compact[..3]);
                return compact.Length == 9 && area is not (0 or 666 or >= 900) && compact[3..5] != "00" && compact[5..] != "0000";
            case EntityTypes.Jwt:
                var parts = value.Split('.');
                var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
                JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).Dispose();
                return parts.Length == 3 && header.RootElement.TryGetProperty("alg", out _);
            case EntityTypes.AwsKey:
                return value.Length == 40 || (value.Length == 20 && value[..4] is "AKIA" or "ASIA");
            case EntityTypes.GithubToken:
                return value.Length == (value.StartsWith("github_pat_", StringComparison.Ordinal) ? 93 : 40);
            case EntityTypes.GoogleApiKey:
                return value.Length == 39 && value.StartsWith("AIza", StringComparison.Ordinal);
            case EntityTypes.PrivateKey:
                return value.StartsWith("-----BEGIN ", StringComparison.Ordinal) && value.EndsWith("PRIVATE KEY-----", StringComparison.Ordinal);
            case EntityTypes.AzureKey:
                var key = Uri.UnescapeDataString(value);
                return Convert.TryFromBase64String(key, new byte[64], out var written) && written is 32 or 64;
            case EntityTypes.AuthHeader when value.EndsWith('=') && !value.Contains('=', StringComparison.Ordinal):
                return Encoding.UTF8.GetString(Convert.FromBase64String(value)).Contains(':', StringComparison.Ordinal);
            default:
                return value.Length > 0 && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1]);
        }
    }
}
