using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Airlock.Cli.Gateway;

/// <summary>
/// <c>airlock reviews list | show ID | approve ID | deny ID --reason</c>, through the admin API, as yourself:
/// your Airlock user and token (AIRLOCK_USER, AIRLOCK_TOKEN or --token-file), because an approval is a
/// person's decision.
/// </summary>
internal static class ReviewsCommands
{
    public const string UserVariable = "AIRLOCK_USER";
    public const string TokenVariable = "AIRLOCK_TOKEN";

    public static Command Build(CliContext context)
    {
        var reviews = new Command("reviews", "Approval requests: list, show, approve, deny (through the admin API, as yourself).");
        reviews.Add(List(context));
        reviews.Add(Show(context));
        reviews.Add(Approve(context));
        reviews.Add(Deny(context));
        return reviews;
    }

    internal sealed record Common(Option<string?> Gateway, Option<string?> User, Option<string?> TokenFile, Option<string?> ConfigDir)
    {
        public static Common Create() => new(
            new Option<string?>("--gateway") { Description = $"The admin API's address (default ${SessionsCommands.GatewayVariable}, or http://127.0.0.1:8080).", HelpName = "URL" },
            new Option<string?>("--user") { Description = $"Your Airlock user (default ${UserVariable}; else your airlock login).", HelpName = "NAME" },
            new Option<string?>("--token-file") { Description = $"A file holding your Airlock token (default: ${TokenVariable}; else your airlock login).", HelpName = "FILE" },
            new Option<string?>("--config-dir") { Description = $"Where airlock login keeps your logins (default ${StoredLogins.DirectoryVariable}, else ~/.config/airlock).", HelpName = "DIR" });

        public void AddTo(Command command)
        {
            command.Add(Gateway);
            command.Add(User);
            command.Add(TokenFile);
            command.Add(ConfigDir);
        }

        /// <summary>
        /// A client that authenticates as you: with --user and your token (--token-file or $AIRLOCK_TOKEN) when
        /// given, else with the Airlock session token <c>airlock login</c> keeps for this gateway.
        /// </summary>
        public HttpClient Client(ParseResult parse)
        {
            var user = parse.GetValue(User) ?? Environment.GetEnvironmentVariable(UserVariable);
            var tokenFile = parse.GetValue(TokenFile);
            string token;
            if (user is null && tokenFile is null && Environment.GetEnvironmentVariable(TokenVariable) is null)
            {
                var login = StoredLogins.Find(StoredLogins.DirectoryFor(parse.GetValue(ConfigDir)), StoredLogins.Key(parse.GetValue(Gateway)))
                    ?? throw new CliUsageException($"who are you? run airlock login, or pass --user NAME (or set {UserVariable}) with your token");
                (user, token) = (login.User, login.Token);
            }
            else
            {
                if (user is null)
                {
                    throw new CliUsageException($"who are you? pass --user NAME or set {UserVariable}");
                }

                token = SessionsCommands.ReadToken(tokenFile, TokenVariable, "Airlock token");
            }

            return SessionsCommands.ApiClient(parse.GetValue(Gateway), SessionsCommands.Basic(user, token));
        }
    }

    private static Command List(CliContext context)
    {
        var common = Common.Create();
        var state = new Option<string?>("--state") { Description = "pending (the default), approved, denied, expired, used, or all.", HelpName = "STATE" };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON." };
        var command = new Command("list", "Show approval requests, newest first.") { state, json };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = common.Client(parse);
            var wanted = parse.GetValue(state) ?? "pending";
            var query = wanted == "all" ? "v1/reviews" : "v1/reviews?state=" + Uri.EscapeDataString(wanted);
            var (ok, body, failure) = await SendAsync(context, client, new HttpRequestMessage(HttpMethod.Get, new Uri(query, UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(body);
                return AirlockCli.Ok;
            }

            using var document = JsonDocument.Parse(body);
            var rows = document.RootElement.EnumerateArray().ToList();
            if (rows.Count == 0)
            {
                await context.Out.WriteLineAsync($"no {(wanted == "all" ? string.Empty : wanted + " ")}approval requests");
                return AirlockCli.Ok;
            }

            await context.Out.WriteLineAsync($"{"ID",-28} {"STATE",-9} {"REQUESTER",-10} {"RESOURCE",-14} {"RULE",-26} ACTION");
            foreach (var row in rows)
            {
                var action = Text(row, "action").ReplaceLineEndings(" ");
                await context.Out.WriteLineAsync($"{Text(row, "id"),-28} {Text(row, "state"),-9} {Text(row, "requester"),-10} {Text(row, "resource"),-14} {Text(row, "rule"),-26} {(action.Length > 60 ? action[..57] + "..." : action)}");
            }

            return AirlockCli.Ok;
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var common = Common.Create();
        var id = new Argument<string>("ID") { Description = "The request (from reviews list, or the error the requester got)." };
        var json = new Option<bool>("--json") { Description = "Print the API's JSON." };
        var command = new Command("show", "Show exactly what will run, where, who asked and why, the policy rule, and the votes.") { id, json };
        common.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = common.Client(parse);
            var (ok, body, failure) = await SendAsync(context, client, new HttpRequestMessage(HttpMethod.Get, new Uri("v1/reviews/" + Uri.EscapeDataString(parse.GetValue(id)!), UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(body);
                return AirlockCli.Ok;
            }

            using var document = JsonDocument.Parse(body);
            var r = document.RootElement;
            var lines = new StringBuilder();
            lines.AppendLine(CultureInfo.InvariantCulture, $"request    {Text(r, "id")} ({Text(r, "kind")}), {Text(r, "state")}");
            lines.AppendLine(CultureInfo.InvariantCulture, $"asked by   {Text(r, "requester")} at {Text(r, "created_at")}");
            lines.AppendLine(CultureInfo.InvariantCulture, $"resource   {Text(r, "resource")}");
            lines.AppendLine(CultureInfo.InvariantCulture, $"rule       {Text(r, "rule")} (policy revision {Text(r, "policy_revision")})");
            if (Text(r, "reason") is { Length: > 0 } reason)
            {
                lines.AppendLine(CultureInfo.InvariantCulture, $"reason     {reason}");
            }

            lines.AppendLine(CultureInfo.InvariantCulture, $"expires    {Text(r, "expires_at")}");
            if (Text(r, "decided_by") is { Length: > 0 } decidedBy)
            {
                lines.AppendLine(CultureInfo.InvariantCulture, $"decided    by {decidedBy} at {Text(r, "decided_at")}{(Text(r, "comment") is { Length: > 0 } c ? ": " + c : string.Empty)}");
            }

            lines.AppendLine("will run:");
            foreach (var line in Text(r, "action").Split('\n'))
            {
                lines.Append("    ").AppendLine(line);
            }

            if (r.TryGetProperty("votes", out var votes) && votes.ValueKind == JsonValueKind.Array)
            {
                foreach (var vote in votes.EnumerateArray())
                {
                    lines.AppendLine(CultureInfo.InvariantCulture, $"vote       {Text(vote, "approver")}: {Text(vote, "verdict")} at {Text(vote, "at")}{(Text(vote, "comment") is { Length: > 0 } c ? " (" + c + ")" : string.Empty)}");
                }
            }

            await context.Out.WriteAsync(lines.ToString());
            return AirlockCli.Ok;
        });
        return command;
    }

    private static Command Approve(CliContext context)
    {
        var common = Common.Create();
        var id = new Argument<string>("ID") { Description = "The request to approve." };
        var comment = new Option<string?>("--comment") { Description = "Why, for the record.", HelpName = "TEXT" };
        var command = new Command("approve", "Approve a request: the requester may then run that exact action once, within the rule's window.") { id, comment };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => DecideAsync(context, common.Client(parse), parse.GetValue(id)!, "approve", new { comment = parse.GetValue(comment) }, cancellationToken));
        return command;
    }

    private static Command Deny(CliContext context)
    {
        var common = Common.Create();
        var id = new Argument<string>("ID") { Description = "The request to deny." };
        var reason = new Option<string>("--reason") { Description = "Why, for the requester and the record.", HelpName = "TEXT", Required = true };
        var command = new Command("deny", "Deny a request.") { id, reason };
        common.AddTo(command);
        command.SetAction((parse, cancellationToken) => DecideAsync(context, common.Client(parse), parse.GetValue(id)!, "deny", new { reason = parse.GetValue(reason) }, cancellationToken));
        return command;
    }

    private static async Task<int> DecideAsync(CliContext context, HttpClient client, string id, string verb, object body, CancellationToken cancellationToken)
    {
        using (client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"v1/reviews/{Uri.EscapeDataString(id)}/{verb}", UriKind.Relative)) { Content = JsonContent.Create(body) };
            var (ok, answer, failure) = await SendAsync(context, client, request, cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(answer);
            var state = Text(document.RootElement, "state");
            await context.Out.WriteLineAsync(state switch
            {
                "approved" when Text(document.RootElement, "kind") == "access" => $"approved {id}: {Text(document.RootElement, "requester")} holds {Text(document.RootElement, "grant")} on {Text(document.RootElement, "resource")} until {Text(document.RootElement, "expires_at")}",
                "approved" => $"approved {id}: {Text(document.RootElement, "requester")} may run it once, until {Text(document.RootElement, "expires_at")}",
                "pending" => $"your approval of {id} is recorded; the rule needs more approvers",
                _ => $"{id} is {state}",
            });
            return AirlockCli.Ok;
        }
    }

    internal static async Task<(bool Ok, string Body, int Failure)> SendAsync(CliContext context, HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? (true, body, AirlockCli.Ok) : (false, body, await SessionsCommands.FailAsync(context, response, body));
        }
    }

    internal static string Text(JsonElement row, string name) => row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
