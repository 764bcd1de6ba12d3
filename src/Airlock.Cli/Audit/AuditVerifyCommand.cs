using System.CommandLine;
using System.Text.Json.Nodes;
using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit verify [--store LOCATION] [--public-key FILE]… [--json] [--progress]</c>: reads the whole
/// trail once and reports the first sign of tampering. Exits 0 when the trail is intact, 1 when it is not.
/// Without a public key the hash chain is still checked, but a rewrite with recomputed hashes would pass:
/// the output says so.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Build(CliContext context)
    {
        var store = AuditCommands.StoreOption();
        var keys = new Option<string[]>("--public-key")
        {
            Description = "A PEM public key (or the private key) that signed checkpoints; repeat for rotated keys. Without one, signatures are not checked.",
            HelpName = "FILE",
        };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object." };
        var progress = AuditCommands.ProgressOption();
        var policy = new AuditPolicyOptions();
        var command = new Command(
            "verify",
            "Verify the audit trail: canonical events, hash chain, numbering, search columns, the head row, signed checkpoints and (with a key) the checkpoint policy. "
            + "Exits 1 when tampered. A clean truncation back to a checkpoint needs --expect-seq or --expect-checkpoint to be seen.")
        {
            store, keys, json, progress,
        };
        policy.AddTo(command);
        AuditCommands.SetAction(command, (parse, cancellationToken) => RunAsync(
            context, parse.GetValue(store), parse.GetValue(keys) ?? [], policy.ToOptions(parse, context), parse.GetValue(json), parse.GetValue(progress), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, string? storeOption, string[] keyFiles, AuditVerifyOptions options, bool json, bool showProgress, CancellationToken cancellationToken)
    {
        var keys = new List<AuditVerifyingKey>();
        try
        {
            foreach (var file in keyFiles)
            {
                var key = AuditVerifyingKey.Load(file);
                if (keys.Exists(k => string.Equals(k.KeyId, key.KeyId, StringComparison.Ordinal)))
                {
                    key.Dispose(); // the same key twice (say, its private and its public file)
                }
                else
                {
                    keys.Add(key);
                }
            }

            await using var store = await AuditCommands.OpenStoreAsync(storeOption, cancellationToken);
            var total = showProgress || context.ErrorIsTerminal ? await ExpectedEventsAsync(store, cancellationToken) : 0;
            var progress = new CliProgress(context, showProgress, n => total > 0
                ? $"verified {n:N0} of {total:N0} events ({Math.Min(100, n * 100 / total)}%)"
                : $"verified {n:N0} events");
            var result = await AuditVerifier.VerifyAsync(store.Audit, keys, options, progress, cancellationToken);
            progress.Complete(result.EventsChecked);

            if (!result.SignaturesChecked)
            {
                await context.Error.WriteLineAsync(
                    "airlock: WARNING: signatures were not checked (pass --public-key FILE): the hash chain is intact, "
                    + "but someone with write access to the store could have rewritten it and recomputed every hash.");
            }

            if (json)
            {
                await context.Out.WriteLineAsync(TerminalText.Json(CliJson.Indented(ToJson(result, store.Description, keys))));
            }
            else
            {
                WriteText(context.Out, result, store.Description, keys, options);
            }

            // An expected checkpoint that does not verify says nothing about the trail: a usage error, not tampering.
            return result.Ok ? AirlockCli.Ok
                : result.Problem!.ErrorId == AuditErrors.BadExpectedCheckpoint ? AirlockCli.Usage
                : AirlockCli.Failed;
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
    }

    /// <summary>The head's sequence number, to show progress as a share; 0 (no share) if the head cannot be read: verify says why.</summary>
    private static async Task<long> ExpectedEventsAsync(IAirlockStore store, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.Audit.ReadHeadAsync(cancellationToken)).Seq;
        }
        catch (StoreException)
        {
            return 0;
        }
    }

    private static double Rate(AuditVerification result) =>
        result.Elapsed > TimeSpan.Zero ? result.EventsChecked / result.Elapsed.TotalSeconds : 0;

    private static void WriteText(TextWriter output, AuditVerification result, string store, List<AuditVerifyingKey> keys, AuditVerifyOptions options)
    {
        static void Row(TextWriter output, string label, string value) => output.WriteLine($"{label + ":",-18}{TerminalText.Line(value)}");

        Row(output, "store", store);
        Row(output, "events checked", $"{result.EventsChecked:N0}");
        Row(output, "checkpoints", $"{result.CheckpointsChecked:N0}");
        Row(output, "last seq", $"{result.LastSeq:N0}");
        Row(output, "last signed seq", result.LastCheckpointTime is { } signedAt
            ? $"{result.LastSignedSeq:N0} (checkpoint at {signedAt:yyyy-MM-dd HH:mm:ss} UTC)"
            : $"{result.LastSignedSeq:N0} (no checkpoint)");
        Row(output, "unsigned tail", result.UnsignedTail == 0 ? "0" : $"{AuditCommands.Plural(result.UnsignedTail, "event")} after the last signed checkpoint (chained, not yet signed)");
        Row(output, "elapsed", $"{result.Elapsed.TotalSeconds:0.000} s ({Rate(result):N0} events/s)");
        Row(output, "signatures", result.SignaturesChecked
            ? $"checked with {string.Join(", ", keys.Select(k => "key " + k.KeyId))}"
            : "NOT CHECKED: no --public-key given");
        Row(output, "policy", result.SignaturesChecked
            ? $"checkpoint every {options.CheckpointEveryEvents:N0} events or {options.CheckpointInterval.TotalSeconds:0.###} s (+ {options.CheckpointGrace.TotalSeconds:0.###} s grace)"
            : "NOT CHECKED: no --public-key given");
        if (options.ExpectSeq is not null || options.ExpectCheckpoint is not null)
        {
            Row(output, "expected", string.Join(", ", new[]
            {
                options.ExpectSeq is { } seq ? $"at least event {seq:N0}" : null,
                options.ExpectCheckpoint is { } c ? $"checkpoint {c.Id:N0} at event {c.Seq:N0}" : null,
            }.OfType<string>()));
        }
        if (result.Problem is { } problem)
        {
            output.WriteLine($"TAMPERED: {problem.ErrorId} at seq {problem.Seq}: {TerminalText.Line(problem.Message)}");
        }
        else
        {
            output.WriteLine(result.SignaturesChecked ? "OK" : "OK (hash chain only; signatures not checked)");
        }
    }

    /// <summary>The stable JSON shape: every field always present; <c>problem</c> and <c>last_checkpoint_time</c> may be null.</summary>
    private static JsonObject ToJson(AuditVerification result, string store, List<AuditVerifyingKey> keys) => new()
    {
        ["ok"] = result.Ok,
        ["store"] = store,
        ["events_checked"] = result.EventsChecked,
        ["checkpoints_checked"] = result.CheckpointsChecked,
        ["last_seq"] = result.LastSeq,
        ["last_signed_seq"] = result.LastSignedSeq,
        ["unsigned_tail"] = result.UnsignedTail,
        ["last_checkpoint_time"] = result.LastCheckpointTime is { } t ? AuditEventJson.FormatTime(t) : null,
        ["signatures_checked"] = result.SignaturesChecked,
        ["key_ids"] = new JsonArray([.. keys.Select(k => (JsonNode)JsonValue.Create(k.KeyId))]),
        ["elapsed_ms"] = Math.Round(result.Elapsed.TotalMilliseconds, 3),
        ["events_per_second"] = Math.Round(Rate(result)),
        ["problem"] = result.Problem is { } p
            ? new JsonObject { ["error_id"] = p.ErrorId, ["seq"] = p.Seq, ["message"] = p.Message }
            : null,
    };
}
