using System.CommandLine;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;

namespace Airlock.Cli.Gateway;

/// <summary><c>airlock serve --config FILE</c>: runs the gateway until Ctrl-C or SIGTERM.</summary>
internal static class ServeCommand
{
    public static Command Build(CliContext context)
    {
        var config = new Option<string>("--config", "-c") { Description = "The gateway's configuration file (YAML; see docs/gateway.md).", Required = true, HelpName = "FILE" };
        var command = new Command("serve", "Run the gateway: the PostgreSQL listener, the admin API, the store and the policy bundle (hot-reloaded).") { config };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await Task.Yield();
            var path = parse.GetValue(config)!;
            var loaded = GatewayConfigLoader.Load(path);
            if (loaded.Config is not { } gatewayConfig || loaded.Diagnostics.Count > 0)
            {
                foreach (var diagnostic in loaded.Diagnostics)
                {
                    await context.Error.WriteLineAsync(diagnostic.ToString());
                }

                await context.Error.WriteLineAsync($"airlock: {path}: the configuration has {loaded.Diagnostics.Count} problem(s); the gateway did not start");
                return AirlockCli.Usage;
            }

            await using var host = await GatewayHost.StartAsync(gatewayConfig, context.Time, cancellationToken, new StderrLogger(context.Error));
            await context.Out.WriteLineAsync($"airlock: serving PostgreSQL on {host.Postgres.Endpoint}" + (host.AdminApi is { } api ? $", admin API on {api.Address}" : string.Empty));
            await context.Out.WriteLineAsync($"airlock: policy {host.Policy.Current.Revision} from {gatewayConfig.PolicyDirectory}; store {host.Store.Description}; audit {gatewayConfig.Audit.Durability.ToString().ToLowerInvariant()}");
            await context.Out.FlushAsync(cancellationToken);
            await WaitForStopAsync(cancellationToken);
            await context.Out.WriteLineAsync("airlock: stopping");
            return AirlockCli.Ok;
        });
        return command;
    }

    /// <summary>Waits until Ctrl-C or SIGTERM cancels the token (System.CommandLine maps both to it).</summary>
    internal static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The normal way to stop.
        }
    }
}
