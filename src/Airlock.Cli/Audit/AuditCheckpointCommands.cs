using System.CommandLine;
using System.Text;
using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit checkpoint export --store LOCATION --public-key FILE [--output FILE]</c>: verifies the trail, then
/// writes its latest signed checkpoint (<see cref="CheckpointFile"/>) to keep away from the store. A later
/// <c>verify --expect-checkpoint FILE</c> then catches what the store alone cannot show: the trail cut back to an
/// earlier checkpoint, with the later checkpoints and the head row removed or rewritten to match.
/// </summary>
internal static class AuditCheckpointCommands
{
    public static Command Build(CliContext context)
    {
        var checkpoint = new Command("checkpoint", "Signed checkpoints of the audit trail, to keep outside the store.");
        checkpoint.Add(BuildExport(context));
        return checkpoint;
    }

    private static Command BuildExport(CliContext context)
    {
        var store = AuditCommands.StoreOption();
        var keys = new Option<string[]>("--public-key")
        {
            Description = "The public key(s) that signed the trail: the trail is verified before its checkpoint is exported.",
            HelpName = "FILE",
            Required = true,
        };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (created or truncated) instead of standard output.", HelpName = "FILE" };
        var policy = new AuditPolicyOptions();
        var command = new Command(
            "export",
            "Verify the trail, then write its latest signed checkpoint as JSON, for 'airlock audit verify --expect-checkpoint FILE' later. Keep the file away from the store.")
        {
            store, keys, output,
        };
        command.Add(policy.EveryEvents);
        command.Add(policy.Interval);
        command.Add(policy.Grace);
        AuditCommands.SetAction(command, (parse, cancellationToken) => ExportAsync(
            context, parse.GetValue(store), parse.GetValue(keys) ?? [], policy.ToOptions(parse, context), parse.GetValue(output), cancellationToken));
        return command;
    }

    private static async Task<int> ExportAsync(CliContext context, string? storeOption, string[] keyFiles, AuditVerifyOptions options, string? path, CancellationToken cancellationToken)
    {
        var keys = keyFiles.Select(AuditVerifyingKey.Load).ToList();
        try
        {
            await using var store = await AuditCommands.OpenStoreAsync(storeOption, cancellationToken);
            var result = await AuditVerifier.VerifyAsync(store.Audit, keys, options, progress: null, cancellationToken);
            if (result.Problem is { } problem)
            {
                await context.Error.WriteLineAsync($"airlock: the trail does not verify, so no checkpoint of it is exported: TAMPERED: {problem}");
                return AirlockCli.Failed;
            }

            // The checkpoints verify checked are 1..n without gaps; one appended since is not exported unchecked.
            AuditCheckpointRow? latest = null;
            await foreach (var row in store.Audit.ReadCheckpointsAsync(cancellationToken))
            {
                if (row.Id > result.CheckpointsChecked)
                {
                    break;
                }

                latest = row;
            }

            if (latest is null)
            {
                await context.Error.WriteLineAsync("airlock: the trail has no signed checkpoint yet: nothing to export");
                return AirlockCli.Failed;
            }

            var text = CheckpointFile.Write(latest);
            if (path is null)
            {
                await context.Out.WriteAsync(text);
            }
            else
            {
                try
                {
                    await File.WriteAllTextAsync(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new CliUsageException($"--output '{path}' cannot be written: {ex.Message}");
                }

                await context.Error.WriteLineAsync($"exported checkpoint {latest.Id} (event {latest.Seq}) to {path}: keep it away from the store, and pass it to 'airlock audit verify --expect-checkpoint'");
            }

            return AirlockCli.Ok;
        }
        finally
        {
            foreach (var key in keys)
            {
                key.Dispose();
            }
        }
    }
}
