using System.CommandLine;
using System.Text.Json;

namespace Airlock.Cli.Gateway;

/// <summary>
/// <c>airlock policy status | reload</c>: the policy a running gateway enforces, through its admin API, with an
/// admin token or, for members of <c>admin.people</c>, your own login with fresh MFA. The other policy
/// commands work on a bundle directory with no gateway; these two ask the gateway.
/// </summary>
internal static class PolicyAdminCommands
{
    public static Command Status(CliContext context)
    {
        var (gateway, tokenFile, configDir) = SessionsCommands.CommonOptions();
        var command = new Command("status", "Show the policy revision a running gateway enforces, when and how it was loaded.") { gateway, tokenFile, configDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = SessionsCommands.Client(parse.GetValue(gateway), parse.GetValue(tokenFile), parse.GetValue(configDir));
            var (ok, body, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Get, new Uri("v1/policy", UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(body);
            var r = document.RootElement;
            var lastGood = r.TryGetProperty("from_last_good", out var good) && good.ValueKind == JsonValueKind.True;
            await context.Out.WriteLineAsync(
                $"revision {ReviewsCommands.Text(r, "revision")}: {r.GetProperty("rules").GetInt32()} rules, loaded at {ReviewsCommands.Text(r, "loaded_at")} ({ReviewsCommands.Text(r, "trigger")})"
                + (lastGood ? "; this is the last good revision: the bundle on disk does not load" : string.Empty));
            return AirlockCli.Ok;
        });
        return command;
    }

    public static Command Reload(CliContext context)
    {
        var (gateway, tokenFile, configDir) = SessionsCommands.CommonOptions();
        var command = new Command("reload", "Load the policy bundle again on a running gateway now (it also reloads by itself when the files change).") { gateway, tokenFile, configDir };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = SessionsCommands.Client(parse.GetValue(gateway), parse.GetValue(tokenFile), parse.GetValue(configDir));
            var (ok, body, failure) = await ReviewsCommands.SendAsync(context, client, new HttpRequestMessage(HttpMethod.Post, new Uri("v1/policy/reload", UriKind.Relative)), cancellationToken);
            if (!ok)
            {
                return failure;
            }

            using var document = JsonDocument.Parse(body);
            var r = document.RootElement;
            var outcome = ReviewsCommands.Text(r, "outcome");
            var revision = ReviewsCommands.Text(r, "revision");
            if (outcome == "rejected")
            {
                foreach (var error in r.GetProperty("errors").EnumerateArray())
                {
                    await context.Error.WriteLineAsync(TerminalText.Line(error.GetString()));
                }

                await context.Error.WriteLineAsync($"airlock: the bundle was rejected; the gateway keeps enforcing revision {revision}");
                return AirlockCli.Failed;
            }

            await context.Out.WriteLineAsync(outcome == "unchanged" ? $"unchanged: revision {revision}" : $"loaded revision {revision}");
            return AirlockCli.Ok;
        });
        return command;
    }
}
