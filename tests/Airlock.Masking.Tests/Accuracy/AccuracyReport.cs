using System.Security.Cryptography;
using System.Text;
using Airlock.Masking.Detection;
using Airlock.Masking.Tests.Accuracy.Corpus;

namespace Airlock.Masking.Tests.Accuracy;

/// <summary>
/// The markdown that docs/masking.md quotes: the corpus, a precision and recall row per entity type, and
/// the hard-negative result. Set AIRLOCK_ACCURACY_REPORT to a file path to have the accuracy tests write it.
/// </summary>
internal static class AccuracyReport
{
    public const string PathVariable = "AIRLOCK_ACCURACY_REPORT";

    /// <summary>Entity types with a format, checksum or prefix: the issue's recall target (99%) applies.</summary>
    public static readonly string[] StructuredTypes =
    [
        EntityTypes.Card, EntityTypes.Iban, EntityTypes.AbaRouting, EntityTypes.Ssn, EntityTypes.Email, EntityTypes.Phone,
        EntityTypes.IpAddress, EntityTypes.AwsKey, EntityTypes.GithubToken, EntityTypes.SlackToken, EntityTypes.StripeKey,
        EntityTypes.GoogleApiKey, EntityTypes.AzureKey, EntityTypes.Jwt, EntityTypes.PrivateKey, EntityTypes.UrlCredentials,
        EntityTypes.AuthHeader,
    ];

    /// <summary>Entity types found by their context ("DOB:", "password="); measured on text that carries it.</summary>
    public static readonly string[] ContextTypes = [EntityTypes.DateOfBirth, EntityTypes.Secret];

    public const double RecallTarget = 0.99;

    public static string Render(IReadOnlyList<LabelledSample> corpus, AccuracyResult result, int handWrittenUntouched)
    {
        var md = new StringBuilder();
        var labelled = corpus.Count(s => s.Labels.Count > 0);
        var negatives = corpus.Count(s => s.Category == "negative");
        md.AppendLine($"Corpus: {corpus.Count:N0} samples (seed {CorpusGenerator.DefaultSeed}, fingerprint `{Fingerprint(corpus)}`): "
            + $"{labelled:N0} with {corpus.Sum(s => s.Labels.Count):N0} labelled values, {negatives:N0} generated hard negatives; "
            + $"plus {HardNegatives.All.Count} hand-written hard negatives.");
        md.AppendLine();
        md.AppendLine("| Entity type | Detectors | Labels | Found | Missed | Recall | Findings | False positives | Precision |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var type in StructuredTypes.Concat(ContextTypes))
        {
            var s = result.ScoreOf(type);
            var detectors = DetectorsFor(type);
            var marker = ContextTypes.Contains(type) ? " (context)" : "";
            md.AppendLine($"| `{type}`{marker} | {(detectors.Length == 0 ? "**none**" : string.Join(", ", detectors.Select(d => $"`{d}`")))} "
                + $"| {s.Labels:N0} | {s.Found:N0} | {s.Missed:N0} | {Percent(s.Recall)} | {s.Findings:N0} | {s.FalsePositives:N0} | {Percent(s.Precision)} |");
        }

        var total = new TypeScore("all", result.Scores.Values.Sum(s => s.Labels), result.Scores.Values.Sum(s => s.Found),
            result.Scores.Values.Sum(s => s.Findings), result.Scores.Values.Sum(s => s.FalsePositives));
        md.AppendLine($"| **all** | | {total.Labels:N0} | {total.Found:N0} | {total.Missed:N0} | {Percent(total.Recall)} | {total.Findings:N0} | {total.FalsePositives:N0} | {Percent(total.Precision)} |");
        md.AppendLine();
        var negativeSamples = corpus.Where(s => s.Category == "negative").Select(s => s.Id).ToHashSet();
        var touchedNegatives = result.FalsePositives.Where(f => negativeSamples.Contains(f.Sample.Id)).Select(f => f.Sample.Id).Distinct().Count();
        md.AppendLine($"Hard negatives untouched: {handWrittenUntouched} of {HardNegatives.All.Count} hand-written, "
            + $"{negatives - touchedNegatives:N0} of {negatives:N0} generated.");
        return md.ToString();
    }

    /// <summary>The first 12 hex digits of SHA-256 over every sample's text: changes whenever the corpus does.</summary>
    public static string Fingerprint(IReadOnlyList<LabelledSample> corpus)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var sample in corpus)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(sample.Text + "\0"));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    public static string[] DetectorsFor(string entityType) =>
        [.. DetectorCatalog.All.Where(d => d.EntityType == entityType).Select(d => d.Name)];

    public static string Percent(double value) => double.IsNaN(value) ? "n/a" : $"{value * 100:0.0}%";
}
