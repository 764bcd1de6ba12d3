using System.CommandLine;

namespace Airlock.Cli.Audit;

/// <summary>
/// <c>airlock audit search [filters] [--limit N] [--json]</c>: matching events in sequence order, streamed.
/// Filters use the store's indexed columns; every filter given must match.
/// </summary>
internal static class AuditSearchCommand
{
    public static Command Build(CliContext context)
    {
        var store = AuditCommands.StoreOption();
        var limit = new Option<int?>("--limit") { Description = "Only the newest N matching events (still printed oldest first).", HelpName = "N" };
        var json = new Option<bool>("--json") { Description = "Print JSON lines, as audit export does." };
        var filters = new AuditFilterOptions();
        var command = new Command("search", "Find audit events by user, resource, kind, decision, session and time.") { store };
        filters.AddTo(command);
        command.Add(limit);
        command.Add(json);
        AuditCommands.SetAction(command, async (parse, cancellationToken) =>
        {
            if (parse.GetValue(limit) is < 1 and var bad)
            {
                throw new CliUsageException($"--limit '{bad}' must be 1 or more");
            }

            var query = filters.ToQuery(parse, context) with { Limit = parse.GetValue(limit) };
            var asJson = parse.GetValue(json);
            var writer = new AuditEventWriter(context, asJson);
            await using var opened = await AuditCommands.OpenStoreAsync(parse.GetValue(store), cancellationToken);
            await foreach (var row in opened.Audit.ReadAsync(query, cancellationToken))
            {
                writer.Write(row);
            }

            if (!asJson)
            {
                await context.Out.WriteLineAsync(writer.Written == 0 ? "no events match" : AuditCommands.Plural(writer.Written, "event"));
            }

            return writer.Unreadable == 0 ? AirlockCli.Ok : AirlockCli.Failed;
        });
        return command;
    }
}
