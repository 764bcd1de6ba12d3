using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// Writes the labelled corpus the redact-pii comparison runs on, and Airlock's own run over it: every
/// document masked by the engine with every detector in the catalog, timed the way the node script times
/// redact-pii (warm-up passes, then timed passes over the whole corpus, median pass reported).
/// </summary>
/// <remarks>
/// Output: <c>DIR/corpus.json</c> (documents with labelled spans: the 1 MB log line by line, then the
/// sentences) and <c>DIR/airlock.json</c> (detectors, timing, and the masked text of each document).
/// The node script scores both tools' outputs by the same rule.
/// </remarks>
internal static class MaskingCorpusEmitter
{
    private const int WarmupPasses = 3;
    private const int MinimumPasses = 5;
    private static readonly TimeSpan MinimumTime = TimeSpan.FromSeconds(3);

    public static int Emit(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: Airlock.Benchmarks --emit-masking-corpus DIR");
            return 2;
        }

        Directory.CreateDirectory(args[0]);
        var log = MaskingWorkload.Shared.LogLines;
        var sentences = SentenceCorpus.Sentences();
        var documents = log.Concat(sentences).ToList();
        var corpusPath = Path.Combine(args[0], "corpus.json");
        File.WriteAllText(corpusPath, Corpus(documents, log.Count, sentences.Count).ToJsonString());

        var engine = MaskingWorkload.CreateEngine();
        MaskingChecks.Log(engine, MaskingWorkload.Shared.Log);
        var texts = documents.Select(d => d.Text).ToArray();
        var bytes = texts.Sum(t => (long)Encoding.UTF8.GetByteCount(t)) + texts.Length; // + one '\n' per document, as the node script counts
        var masked = new string[texts.Length];
        for (var pass = 0; pass < WarmupPasses; pass++)
        {
            MaskAll(engine, texts, masked);
        }

        var passes = new List<double>();
        var total = Stopwatch.StartNew();
        while (passes.Count < MinimumPasses || total.Elapsed < MinimumTime)
        {
            var watch = Stopwatch.StartNew();
            MaskAll(engine, texts, masked);
            passes.Add(watch.Elapsed.TotalSeconds);
        }

        passes.Sort();
        var median = passes[passes.Count / 2];
        var result = new JsonObject
        {
            ["tool"] = "airlock",
            ["version"] = typeof(Airlock.Masking.MaskingEngine).Assembly.GetName().Version?.ToString(),
            ["runtime"] = Environment.Version.ToString(),
            ["detectors"] = new JsonArray([.. engine.DetectorNames.Select(n => (JsonNode)n)]),
            ["bytes"] = bytes,
            ["passes"] = passes.Count,
            ["medianSeconds"] = median,
            ["mbPerSecond"] = bytes / 1e6 / median,
            ["masked"] = new JsonArray([.. masked.Select(m => (JsonNode)m)]),
        };
        var airlockPath = Path.Combine(args[0], "airlock.json");
        File.WriteAllText(airlockPath, result.ToJsonString());
        Console.WriteLine($"{corpusPath}: {documents.Count} documents ({log.Count} log lines, {sentences.Count} sentences), {bytes:N0} bytes, "
            + $"{documents.Sum(d => d.Labels.Count(l => l.Sensitive))} sensitive labels");
        Console.WriteLine($"{airlockPath}: {engine.DetectorNames.Count} detectors, median of {passes.Count} passes {median * 1000:N1} ms, {bytes / 1e6 / median:N1} MB/s");
        return 0;
    }

    private static void MaskAll(Airlock.Masking.MaskingEngine engine, string[] texts, string[] masked)
    {
        for (var i = 0; i < texts.Length; i++)
        {
            masked[i] = engine.Mask(texts[i]);
        }
    }

    private static JsonObject Corpus(List<LabelledText> documents, int logLines, int sentences) => new()
    {
        ["description"] = "Airlock masking corpus: a synthetic application log (one document per line) and support-ticket sentences, with labelled spans. Sensitive labels must be gone from a masker's output; the others (timestamps, request ids, order ids, prices) should survive.",
        ["logLines"] = logLines,
        ["sentences"] = sentences,
        ["documents"] = new JsonArray([.. documents.Select(d => (JsonNode)new JsonObject
        {
            ["text"] = d.Text,
            ["labels"] = new JsonArray([.. d.Labels.Select(l => (JsonNode)new JsonObject
            {
                ["type"] = l.Type,
                ["start"] = l.Start,
                ["length"] = l.Length,
                ["sensitive"] = l.Sensitive,
            })]),
        })]),
    };
}
