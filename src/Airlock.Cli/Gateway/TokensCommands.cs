using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using Airlock.Policy.Loading;

namespace Airlock.Cli.Gateway;

/// <summary>
/// <c>airlock tokens create | list | revoke</c>: API tokens for automation, made by a user for themselves
/// (as themselves, like <c>airlock reviews</c>). The secret is printed once, on create, and never again.
/// </summary>
internal static class TokensCommands
{
    public static Command Build(CliContext context)
    {
        var tokens = new Command("tokens", "API tokens for automation: create (shown once), list, revoke (as yourself).");
        tokens.Add(Create(context));
        tokens.Add(List(context));
        tokens.Add(Revoke(context));
        return tokens;
    }

    private static Command Create(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var name = new Option<string>("--name") { Description = "What the token is for (e.g. nightly-checks).", HelpName = "NAME", Required = true };
        var resources = new Option<string[]>("--resource") { Description = "A resource it may log in to (repeat for more).", HelpName = "RESOURCE", Required = true, AllowMultipleArgumentsPerToken = false };
        var kinds = new Option<string[]>("--sql") { Description = "A statement kind it may run: read, write, ddl, … (repeat; default: whatever policy allows you).", HelpName = "KIND" };
        var expires = new Option<string>("--expires") { Description = "How long it lives (at most 90d; default 30d).", HelpName = "DURATION", DefaultValueFactory = _ => "30d" };
        var command = new Command("create", "Make an API token; its secret is printed once and stored nowhere.") { name, resources, kinds, expires };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(expires)!;
            if (!DurationText.TryParse(text, out var lifetime) || lifetime <= TimeSpan.Zero)
            {
                throw new CliUsageException($"--expires '{text}' is not a duration; write it like 12h, 30d");
            }

            using var client = common.Client(parse);
            var body = new { name = parse.GetValue(name), resources = parse.GetValue(resources), sql_kinds = parse.GetValue(kinds) ?? [], expires_in_seconds = (long)lifetime.TotalSeconds };
            var (ok, answer, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Post, new Uri("v1/tokens", UriKind.Relative)) { Content = JsonContent.Create(body) }, cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(answer);
            var details = document.RootElement.GetProperty("details");
            await context.Out.WriteLineAsync(ReviewsCommands.Text(document.RootElement, "token"));
            await context.Error.WriteLineAsync($"airlock: made {ReviewsCommands.Text(details, "id")} ({string.Join(' ', TerminalText.Items(details, "scopes"))}), until {ReviewsCommands.Text(details, "expires_at")}. The token above is shown once: keep it in your secret store now.");
            return AirlockCli.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var command = new Command("list", "Show your tokens (never their secrets).");
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = common.Client(parse);
            var (ok, body, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Get, new Uri("v1/tokens", UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(body);
            var rows = document.RootElement.EnumerateArray().ToList();
            if (rows.Count == 0)
            {
                await context.Out.WriteLineAsync("no tokens");
                return AirlockCli.Ok;
            }

            await context.Out.WriteLineAsync($"{"ID",-26} {"NAME",-20} {"EXPIRES",-34} {"REVOKED",-8} SCOPES");
            foreach (var row in rows)
            {
                var revoked = ReviewsCommands.Text(row, "revoked_at");
                await context.Out.WriteLineAsync($"{ReviewsCommands.Text(row, "id"),-26} {ReviewsCommands.Text(row, "name"),-20} {ReviewsCommands.Text(row, "expires_at"),-34} {(revoked.Length > 0 ? "yes" : "-"),-8} {string.Join(' ', TerminalText.Items(row, "scopes"))}");
            }

            return AirlockCli.Ok;
        });
        return command;
    }

    private static Command Revoke(CliContext context)
    {
        var common = ReviewsCommands.Common.Create();
        var id = new Argument<string>("ID") { Description = "The token (from tokens list)." };
        var command = new Command("revoke", "Revoke a token now: it logs in no more, and its open sessions end.") { id };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = common.Client(parse);
            var (ok, _, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/tokens/{Uri.EscapeDataString(parse.GetValue(id)!)}/revoke", UriKind.Relative)), cancellationToken);
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
