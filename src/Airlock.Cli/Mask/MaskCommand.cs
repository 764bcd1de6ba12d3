using System.CommandLine;
using System.Text.Json.Nodes;
using Airlock.Masking;
using Airlock.Policy.Loading;

namespace Airlock.Cli.Mask;

/// <summary>
/// <c>airlock mask [--policy DIR] [--json]</c>: masks standard input to standard output with every
/// detector on, in bounded memory whatever the input size.
/// </summary>
internal static class MaskCommand
{
    private const int ChunkSize = 64 * 1024;

    public static Command Build(CliContext context)
    {
        var policy = new Option<string?>("--policy") { Description = "Take masking strategies from this policy bundle (masking.entities)." };
        var json = new Option<bool>("--json") { Description = "Write JSON lines: {\"finding\": …} for each finding (type, input offsets, detector; never the value) followed by the {\"text\": …} it was masked in, and {\"counts\": …} at the end." };
        var command = new Command("mask", "Mask sensitive data in standard input. Tokens are keyed by AIRLOCK_MASKING_KEY (random per run when unset).") { policy, json };
        command.SetAction(parse =>
        {
            var profile = MaskingProfile.Default();
            if (parse.GetValue(policy) is { } directory)
            {
                var result = BundleLoader.Load(directory);
                if (!result.Succeeded)
                {
                    Policy.PolicyCommands.WriteDiagnostics(context.Error, result.Diagnostics);
                    context.Error.WriteLine($"{Policy.PolicyCommands.Plural(result.Diagnostics.Count, "error")} in {directory}; nothing was masked");
                    return AirlockCli.Failed;
                }

                profile = profile with { Strategies = result.Bundle!.Masking.Entities };
            }

            var engine = new MaskingEngine(profile);
            return parse.GetValue(json) ? RunJson(context, engine) : RunText(context, engine);
        });
        return command;
    }

    private static int RunText(CliContext context, MaskingEngine engine)
    {
        using var stream = engine.CreateStream(context.Out);
        Pump(context.In, stream);
        return AirlockCli.Ok;
    }

    /// <summary>JSON lines, so that any input size stays in bounded memory and every line parses alone.</summary>
    private static int RunJson(CliContext context, MaskingEngine engine)
    {
        var counts = new MaskingCounts();
        using var text = new JsonLineTextWriter(context.Out);
        using (var stream = engine.CreateStream(text, f => WriteFinding(context.Out, f), counts))
        {
            Pump(context.In, stream);
        }

        text.Flush();
        var summary = new JsonObject();
        foreach (var (type, count) in counts.ByEntityType.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            summary[type] = count;
        }

        context.Out.WriteLine(CliJson.Line(new JsonObject { ["counts"] = summary, ["total"] = counts.Total }));
        return AirlockCli.Ok;
    }

    private static void WriteFinding(TextWriter output, StreamFinding finding)
    {
        output.WriteLine(CliJson.Line(new JsonObject
        {
            ["finding"] = new JsonObject
            {
                ["type"] = finding.EntityType,
                ["start"] = finding.Start,
                ["length"] = finding.Length,
                ["detector"] = finding.Detector,
            },
        }));
    }

    private static void Pump(TextReader input, StreamingMasker stream)
    {
        var buffer = new char[ChunkSize];
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            stream.Write(buffer.AsSpan(0, read));
        }

        stream.Complete();
    }

    /// <summary>Collects masked text and writes it as <c>{"text": "…"}</c> lines.</summary>
    private sealed class JsonLineTextWriter(TextWriter output) : TextWriter
    {
        private readonly System.Text.StringBuilder _pending = new();

        public override System.Text.Encoding Encoding => output.Encoding;

        public override void Write(char value) => _pending.Append(value);

        public override void Write(ReadOnlySpan<char> buffer) => _pending.Append(buffer);

        public override void Flush()
        {
            if (_pending.Length > 0)
            {
                output.WriteLine(CliJson.Line(new JsonObject { ["text"] = _pending.ToString() }));
                _pending.Clear();
            }
        }
    }
}
