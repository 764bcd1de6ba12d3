using System.CommandLine;
using Airlock.Gateway.Hosting;

namespace Airlock.Cli.Gateway;

/// <summary><c>airlock demo</c>: a throwaway PostgreSQL with sample PII, and the gateway in front of it.</summary>
internal static class DemoCommand
{
    public static Command Build(CliContext context)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the demo keeps its database, store and secrets (default: a fresh temp folder).", HelpName = "DIR" };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "The gateway's PostgreSQL port (default 15432; 0 picks a free one).", DefaultValueFactory = _ => 15432, HelpName = "N" };
        var httpPort = new Option<int>("--http-port") { Description = "The admin API's port (default 8080; 0 picks a free one).", DefaultValueFactory = _ => 8080, HelpName = "N" };
        var policy = new Option<string?>("--policy") { Description = "The policy bundle (default: samples/policies of this checkout).", HelpName = "DIR" };
        var command = new Command("demo", "Start a throwaway PostgreSQL with sample customer data and the gateway in front of it, then print how to connect.") { dataDir, gatewayPort, httpPort, policy };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await Task.Yield();
            var policyDirectory = parse.GetValue(policy) ?? FindSamplePolicies()
                ?? throw new CliUsageException("the sample policy bundle (samples/policies) was not found above the current directory; pass --policy DIR");
            await using var demo = await DemoEnvironment.StartAsync(parse.GetValue(dataDir), parse.GetValue(gatewayPort), parse.GetValue(httpPort), policyDirectory, new SynchronousProgress(context.Error), cancellationToken);
            await context.Out.WriteLineAsync(demo.Instructions());
            await context.Out.WriteLineAsync($"(details for scripts: {demo.DemoJsonPath})");
            await context.Out.FlushAsync(cancellationToken);
            await ServeCommand.WaitForStopAsync(cancellationToken);
            await context.Error.WriteLineAsync("airlock: stopping the demo");
            return AirlockCli.Ok;
        });
        return command;
    }

    private static string? FindSamplePolicies()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "samples", "policies");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private sealed class SynchronousProgress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
