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
                await context.Out.WriteLineAsync(TerminalText.Json(body));
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
                // The parser's normalized text where there is one: masking can hide a clause, normalizing cannot.
                var normalized = row.TryGetProperty("structure", out var structure) && structure.ValueKind == JsonValueKind.Object ? Text(structure, "normalized") : string.Empty;
                var action = normalized.Length > 0 ? normalized : TerminalText.Line(RawText(row, "action").ReplaceLineEndings(" "));
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
                await context.Out.WriteLineAsync(TerminalText.Json(body));
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

            WhatWillRun(lines, r);

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

    /// <summary>
    /// The exact text and parameters that will run (to its requester and its deciders), every character that
    /// is invisible or drives a terminal written <c>\u{XXXX}</c>; the parser's structure beside it; else (an admin
    /// token, a request from an older gateway) the masked summary, said to be masked.
    /// </summary>
    private static void WhatWillRun(StringBuilder lines, JsonElement r)
    {
        if (r.TryGetProperty("exact", out var exact) && exact.ValueKind == JsonValueKind.Object)
        {
            lines.AppendLine(@"will run, exactly (\u{XXXX} is a character that is invisible or controls a terminal):");
            foreach (var line in TerminalText.Escaped(RawText(exact, "text"), multiline: true).Split('\n'))
            {
                lines.Append("    ").AppendLine(line);
            }

            foreach (var parameter in exact.TryGetProperty("parameters", out var values) && values.ValueKind == JsonValueKind.Array ? values.EnumerateArray().Select(v => TerminalText.Escaped(v.GetString(), multiline: false)) : [])
            {
                lines.Append("    ").AppendLine(parameter);
            }

            if (exact.TryGetProperty("escaped", out var escaped) && escaped.ValueKind == JsonValueKind.True)
            {
                lines.AppendLine("WARNING: the statement holds characters that are invisible or control a terminal; they are shown escaped above");
            }

            if (exact.TryGetProperty("matches_digest", out var matches) && matches.ValueKind == JsonValueKind.False)
            {
                lines.AppendLine("WARNING: this text does not match the digest the approval is bound to: do not approve it; tell the gateway's owners");
            }
        }
        else
        {
            lines.AppendLine("will run (masked: the exact text is shown to its requester and its approvers):");
            foreach (var line in TerminalText.Lines(RawText(r, "action")).Split('\n'))
            {
                lines.Append("    ").AppendLine(line);
            }
        }

        if (r.TryGetProperty("structure", out var structure) && structure.ValueKind == JsonValueKind.Object)
        {
            lines.AppendLine("as the parser reads it (literals are $n, comments are gone):");
            lines.Append("    ").AppendLine(Text(structure, "normalized"));
            if (structure.TryGetProperty("statements", out var statements) && statements.ValueKind == JsonValueKind.Array)
            {
                foreach (var statement in statements.EnumerateArray())
                {
                    var written = TerminalText.Items(statement, "tables_written");
                    var read = TerminalText.Items(statement, "tables_read");
                    var flags = TerminalText.Items(statement, "flags");
                    lines.AppendLine(CultureInfo.InvariantCulture, $"    - {Text(statement, "kind")} ({Text(statement, "command")}): writes {(written.Count == 0 ? "no table" : string.Join(", ", written))}; reads {(read.Count == 0 ? "no table" : string.Join(", ", read))}{(flags.Count == 0 ? string.Empty : "; " + string.Join(", ", flags))}");
                }
            }

            if (Text(structure, "parse_error") is { Length: > 0 } error)
            {
                lines.AppendLine(CultureInfo.InvariantCulture, $"    does not parse: {error}");
            }
        }
    }

    /// <summary>A string field as sent, not yet made safe: only for <see cref="TerminalText"/> to escape in its own way.</summary>
    private static string RawText(JsonElement row, string name) => row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    internal static async Task<(bool Ok, string Body, int Failure)> SendAsync(CliContext context, HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? (true, body, AirlockCli.Ok) : (false, body, await SessionsCommands.FailAsync(context, response, body));
        }
    }

    /// <summary>A string field of the API's answer, safe to print (<see cref="TerminalText"/>).</summary>
    internal static string Text(JsonElement row, string name) => TerminalText.Field(row, name);
}
