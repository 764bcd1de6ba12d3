using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Airlock.Policy.Loading;

namespace Airlock.Cli.Gateway;

/// <summary>
/// Just-in-time elevation: <c>airlock request RESOURCE --grant G --for 1h --reason …</c> asks for a grant
/// (approved with <c>airlock reviews approve</c>), and <c>airlock grants list | revoke ID</c>. As yourself,
/// like <c>airlock reviews</c>.
/// </summary>
internal static class AccessCommands
{
    public static Command Request(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var resource = new Argument<string>("RESOURCE") { Description = "The resource the grant is for (e.g. demo)." };
        var grant = new Option<string>("--grant") { Description = "The policy grant to ask for (e.g. prod-write).", HelpName = "NAME", Required = true };
        var duration = new Option<string>("--for") { Description = "How long, at most the grant's maximum (e.g. 30m, 1h).", HelpName = "DURATION", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why: an incident ticket where the grant asks for one.", HelpName = "TEXT" };
        var breakGlass = new Option<bool>("--break-glass") { Description = "Take the grant now, without waiting (its break_glass groups only): an alert goes out and approvers review it afterwards." };
        var command = new Command("request", "Ask for a just-in-time grant on a resource; an approver approves it with airlock reviews approve.") { resource, grant, duration, reason, breakGlass };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(duration)!;
            if (!DurationText.TryParse(text, out var length) || length <= TimeSpan.Zero)
            {
                throw new CliUsageException($"--for '{text}' is not a duration; write it like 30m, 1h or 1h30m");
            }

            using var client = common.Client(parse);
            var body = new { resource = parse.GetValue(resource), grant = parse.GetValue(grant), duration_seconds = (long)length.TotalSeconds, reason = parse.GetValue(reason), break_glass = parse.GetValue(breakGlass) };
            var (ok, answer, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Post, new Uri("v1/requests", UriKind.Relative)) { Content = JsonContent.Create(body) }, cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(answer);
            var id = ReviewsCommands.Text(document.RootElement, "id");
            if (parse.GetValue(breakGlass))
            {
                await context.Out.WriteLineAsync($"break-glass: you hold {parse.GetValue(grant)} on {parse.GetValue(resource)} now, for {length}; the alert went out, and review {id} is open for the approvers (airlock reviews show {id})");
                return AirlockCli.Ok;
            }

            await context.Out.WriteLineAsync($"requested {id}: {ReviewsCommands.Text(document.RootElement, "action")}, pending until {ReviewsCommands.Text(document.RootElement, "expires_at")}");
            await context.Out.WriteLineAsync($"an approver runs: airlock reviews approve {id}");
            return AirlockCli.Ok;
        });
        return command;
    }

    public static Command Grants(CliContext context)
    {
        var grants = new Command("grants", "Just-in-time grants: list, revoke (as yourself).");
        grants.Add(List(context));
        grants.Add(Revoke(context));
        return grants;
    }

    private static Command List(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var all = new Option<bool>("--all") { Description = "Expired and revoked grants too." };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON." };
        var command = new Command("list", "Show the grants in force (or all of them).") { all, json };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = common.Client(parse);
            var path = parse.GetValue(all) ? "v1/grants?all=true" : "v1/grants";
            var (ok, body, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(TerminalText.Json(body));
                return AirlockCli.Ok;
            }

            using var document = JsonDocument.Parse(body);
            var rows = document.RootElement.EnumerateArray().ToList();
            if (rows.Count == 0)
            {
                await context.Out.WriteLineAsync(parse.GetValue(all) ? "no grants" : "no grants in force");
                return AirlockCli.Ok;
            }

            await context.Out.WriteLineAsync($"{"ID",-28} {"USER",-10} {"GRANT",-14} {"RESOURCE",-12} {"UNTIL",-26} {"REVOKED",-8} REASON");
            foreach (var row in rows)
            {
                var revoked = ReviewsCommands.Text(row, "revoked_by");
                await context.Out.WriteLineAsync($"{ReviewsCommands.Text(row, "id"),-28} {ReviewsCommands.Text(row, "user"),-10} {ReviewsCommands.Text(row, "grant"),-14} {ReviewsCommands.Text(row, "resource"),-12} {ReviewsCommands.Text(row, "until"),-26} {(revoked.Length > 0 ? "by " + revoked : "-"),-8} {ReviewsCommands.Text(row, "reason")}");
            }

            return AirlockCli.Ok;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var id = new Argument<string>("ID") { Description = "The grant (from grants list)." };
        var command = new Command("revoke", "Revoke a grant now; the sessions that hold it end.") { id };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = common.Client(parse);
            var (ok, _, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/grants/{Uri.EscapeDataString(parse.GetValue(id)!)}/revoke", UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            await context.Out.WriteLineAsync($"revoked {parse.GetValue(id)}");
            return AirlockCli.Ok;
        });
        return command;
    }
}
