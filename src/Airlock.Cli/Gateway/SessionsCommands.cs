using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Airlock.Cli.Gateway;

/// <summary><c>airlock sessions list | kill ID</c>, through the gateway's admin API.</summary>
internal static class SessionsCommands
{
    public const string GatewayVariable = "AIRLOCK_GATEWAY";
    public const string TokenVariable = "AIRLOCK_ADMIN_TOKEN";

    public static Command Build(CliContext context)
    {
        var sessions = new Command("sessions", "List and end gateway sessions (through the admin API).");
        sessions.Add(List(context));
        sessions.Add(Kill(context));
        return sessions;
    }

    internal static (Option<string?> Gateway, Option<string?> TokenFile, Option<string?> ConfigDir) CommonOptions() => (
        new Option<string?>("--gateway") { Description = $"The admin API's address (default ${GatewayVariable}, or http://127.0.0.1:8080).", HelpName = "URL" },
        new Option<string?>("--token-file") { Description = $"A file holding an admin token (default: ${TokenVariable}; else your airlock login, if you are in admin.people).", HelpName = "FILE" },
        new Option<string?>("--config-dir") { Description = $"Where airlock login keeps your logins (default ${StoredLogins.DirectoryVariable}, else ~/.config/airlock).", HelpName = "DIR" });

    private static Command List(CliContext context)
    {
        var (gateway, tokenFile, configDir) = CommonOptions();
        var json = new Option<bool>("--json") { Description = "Print the API's JSON." };
        var command = new Command("list", "Show the open sessions of every gateway instance sharing the store.") { gateway, tokenFile, configDir, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await Task.Yield();
            using var client = Client(parse.GetValue(gateway), parse.GetValue(tokenFile), parse.GetValue(configDir));
            using var response = await client.GetAsync(new Uri("v1/sessions", UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await FailAsync(context, response, body);
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
                await context.Out.WriteLineAsync("no open sessions");
                return AirlockCli.Ok;
            }

            await context.Out.WriteLineAsync($"{"ID",-22} {"USER",-12} {"RESOURCE",-16} {"CLIENT",-22} {"INSTANCE",-10} {"AGE",8}");
            foreach (var row in rows)
            {
                await context.Out.WriteLineAsync(
                    $"{Text(row, "id"),-22} {Text(row, "user"),-12} {Text(row, "resource"),-16} {Text(row, "client"),-22} {Text(row, "instance"),-10} {TimeSpan.FromSeconds(row.GetProperty("seconds").GetInt64()),8:c}");
            }

            return AirlockCli.Ok;
        });
        return command;
    }

    private static Command Kill(CliContext context)
    {
        var (gateway, tokenFile, configDir) = CommonOptions();
        var id = new Argument<string>("ID") { Description = "The session to end (from sessions list)." };
        var command = new Command("kill", "End a session at once; its client gets FATAL 57P01.") { id, gateway, tokenFile, configDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await Task.Yield();
            using var client = Client(parse.GetValue(gateway), parse.GetValue(tokenFile), parse.GetValue(configDir));
            using var response = await client.DeleteAsync(new Uri("v1/sessions/" + Uri.EscapeDataString(parse.GetValue(id)!), UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await FailAsync(context, response, body);
            }

            await context.Out.WriteLineAsync($"killed session {parse.GetValue(id)}");
            return AirlockCli.Ok;
        });
        return command;
    }

    /// <summary>An admin token when one is given (--token-file or the variable); else your airlock login, for members of admin.people.</summary>
    internal static HttpClient Client(string? gateway, string? tokenFile, string? configDir)
    {
        if (tokenFile is null && Environment.GetEnvironmentVariable(TokenVariable) is null
            && StoredLogins.Find(StoredLogins.DirectoryFor(configDir), StoredLogins.Key(gateway)) is { } login)
        {
            return ApiClient(gateway, Basic(login.User, login.Token));
        }

        var token = ReadToken(tokenFile, TokenVariable, "admin token (or airlock login, as a member of admin.people)");
        return ApiClient(gateway, new AuthenticationHeaderValue("Bearer", token));
    }

    /// <summary>A person's credentials for the API (HTTP Basic <c>user:token</c>): a static token, or airlock login's session token.</summary>
    internal static AuthenticationHeaderValue Basic(string user, string token) =>
        new("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + token)));

    /// <summary>An HTTP client for the admin API at --gateway (or $AIRLOCK_GATEWAY, or the default address).</summary>
    internal static HttpClient ApiClient(string? gateway, AuthenticationHeaderValue? authorization)
    {
        var address = gateway ?? Environment.GetEnvironmentVariable(GatewayVariable) ?? "http://127.0.0.1:8080";
        if (!Uri.TryCreate(address.EndsWith('/') ? address : address + "/", UriKind.Absolute, out var baseAddress))
        {
            throw new CliUsageException($"--gateway '{address}' is not a URL (e.g. http://127.0.0.1:8080)");
        }

        var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(15) };
        client.DefaultRequestHeaders.Authorization = authorization;
        return client;
    }

    /// <summary>A token from --token-file, or else from the environment; never from argv, where ps and shell history would show it.</summary>
    internal static string ReadToken(string? tokenFile, string variable, string what) => tokenFile is not null
        ? (File.Exists(tokenFile) ? File.ReadAllText(tokenFile).Trim() : throw new CliUsageException($"--token-file '{tokenFile}' does not exist"))
        : Environment.GetEnvironmentVariable(variable) ?? throw new CliUsageException($"no {what}: pass --token-file FILE or set {variable}");

    internal static async Task<int> FailAsync(CliContext context, HttpResponseMessage response, string body)
    {
        var message = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            message = document.RootElement.TryGetProperty("error", out var error) ? error.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            // Not JSON: show it as it came.
        }

        // The server's words may quote what someone else wrote: printed escaped, as everything from the API.
        await context.Error.WriteLineAsync($"airlock: the admin API answered {(int)response.StatusCode}: {TerminalText.Line(message)}");
        // A refusal (4xx: unknown id, wrong token, not allowed) is the request's failure; 5xx is the gateway's.
        return (int)response.StatusCode >= 500 ? AirlockCli.Unavailable : AirlockCli.Failed;
    }

    private static string Text(JsonElement row, string name) => TerminalText.Field(row, name);
}
