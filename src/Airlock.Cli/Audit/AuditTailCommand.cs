using System.CommandLine;
using Airlock.Store;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit tail [-n N] [-f] [--json] [filters]</c>: the newest events, oldest first; with
/// <c>--follow</c>, then every new event as it is committed, until Ctrl+C.
/// </summary>
internal static class AuditTailCommand
{
    /// <summary>How often <c>--follow</c> looks for new events.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static Command Build(CliContext context)
    {
        var store = AuditCommands.StoreOption();
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the newest matching events to show first.", DefaultValueFactory = _ => 20, HelpName = "N" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new events as they are appended, until Ctrl+C." };
        var json = new Option<bool>("--json") { Description = "Print JSON lines, as audit export does." };
        var filters = new AuditFilterOptions();
        var command = new Command("tail", "Show the newest audit events; with --follow, keep showing new ones.") { store, lines, follow, json };
        filters.AddTo(command);
        AuditCommands.SetAction(command, async (parse, cancellationToken) =>
        {
            var count = parse.GetValue(lines);
            if (count < 0)
            {
                throw new CliUsageException($"-n '{count}' must be 0 or more");
            }

            var query = filters.ToQuery(parse, context);
            var writer = new AuditEventWriter(context, parse.GetValue(json));
            await using var opened = await AuditCommands.OpenStoreAsync(parse.GetValue(store), cancellationToken);
            var log = opened.Audit;

            // The head is read first: whatever is committed after it is either in the tail or found by the next poll.
            var seen = (await log.ReadHeadAsync(cancellationToken)).Seq;
            await foreach (var row in log.ReadAsync(query with { Limit = count }, cancellationToken))
            {
                writer.Write(row);
                seen = Math.Max(seen, row.Seq);
            }

            if (!parse.GetValue(follow))
            {
                if (writer.Written == 0 && writer.Unreadable == 0 && !parse.GetValue(json))
                {
                    await context.Out.WriteLineAsync("no events");
                }

                return writer.Unreadable == 0 ? AirlockCli.Ok : AirlockCli.Failed;
            }

            await context.Out.FlushAsync(cancellationToken);
            try
            {
                while (true)
                {
                    await Task.Delay(PollInterval, context.Time, cancellationToken);
                    var head = (await log.ReadHeadAsync(cancellationToken)).Seq;
                    await foreach (var row in log.ReadAsync(query with { AfterSeq = seen }, cancellationToken))
                    {
                        writer.Write(row);
                        seen = Math.Max(seen, row.Seq);
                    }

                    // Events up to the head that did not match need not be read again.
                    seen = Math.Max(seen, head);
                    await context.Out.FlushAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C, or the caller's token: following ends here, cleanly.
                return AirlockCli.Ok;
            }
        });
        return command;
    }
}
