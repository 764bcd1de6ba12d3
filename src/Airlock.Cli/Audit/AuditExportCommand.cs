using System.CommandLine;
using System.Text;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit export [--output FILE] [filters]</c>: the trail as JSON lines for a SIEM or an archive,
/// streamed in sequence order in bounded memory whatever its size. Each line is the stored canonical event
/// body with its chain hash added as a last field (<see cref="AuditJsonLine"/>), so the export can be checked
/// without Airlock: remove the hash field to get the hashed bytes back, and
/// <c>hash(n) = SHA-256(hash(n-1) ‖ body(n))</c> from 32 zero bytes.
/// </summary>
internal static class AuditExportCommand
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static Command Build(CliContext context)
    {
        var store = AuditCommands.StoreOption();
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file (created or truncated) instead of standard output.", HelpName = "FILE" };
        var progress = AuditCommands.ProgressOption();
        var filters = new AuditFilterOptions();
        var command = new Command(
            "export",
            "Export audit events as JSON lines: each line is the stored canonical event JSON with ,\"hash\":\"<hex>\" added before its final }, "
            + "so that hash(n) = SHA-256(hash(n-1) || line without the hash field) can be checked from the export alone.")
        {
            store, output,
        };
        filters.AddTo(command);
        command.Add(progress);
        AuditCommands.SetAction(command, async (parse, cancellationToken) =>
        {
            var query = filters.ToQuery(parse, context);
            await using var opened = await AuditCommands.OpenStoreAsync(parse.GetValue(store), cancellationToken);
            var path = parse.GetValue(output);
            if (path is null)
            {
                var (_, skipped) = await ExportAsync(context, opened, query, context.Out, progress: null, cancellationToken);
                return skipped == 0 ? AirlockCli.Ok : AirlockCli.Failed;
            }

            var reporter = new CliProgress(context, parse.GetValue(progress), n => $"exported {n:N0} events");
            var stream = OpenOutput(path);
            long exported, unreadable;
            await using (stream)
            {
                var writer = new StreamWriter(stream, Utf8NoBom, bufferSize: 64 * 1024);
                await using (writer)
                {
                    (exported, unreadable) = await ExportAsync(context, opened, query, writer, reporter, cancellationToken);
                }
            }

            reporter.Complete(exported);
            await context.Error.WriteLineAsync($"exported {AuditCommands.Plural(exported, "event")} to {path}");
            return unreadable == 0 ? AirlockCli.Ok : AirlockCli.Failed;
        });
        return command;
    }

    private static async Task<(long Exported, long Unreadable)> ExportAsync(
        CliContext context, Store.IAirlockStore store, Store.AuditQuery query, TextWriter output, CliProgress? progress, CancellationToken cancellationToken)
    {
        long exported = 0, unreadable = 0;
        await foreach (var row in store.Audit.ReadAsync(query, cancellationToken))
        {
            if (AuditJsonLine.Write(output, row) is not { } problem)
            {
                exported++;
                progress?.Report(exported);
            }
            else
            {
                unreadable++;
                await context.Error.WriteLineAsync($"airlock: warning: event {row.Seq} is not one canonical event and was not exported ({Printable(problem)}); run 'airlock audit verify'");
            }
        }

        await output.FlushAsync(cancellationToken);
        return (exported, unreadable);
    }

    /// <summary>A reason for the terminal: it may quote stored field names, so control characters become '?'.</summary>
    internal static string Printable(string text) => new([.. text.Select(c => char.IsControl(c) ? '?' : c)]);

    private static FileStream OpenOutput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--output '{path}' cannot be written: {ex.Message}");
        }
    }
}
