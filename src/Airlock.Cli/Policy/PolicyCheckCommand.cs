using System.CommandLine;
using System.Text.Json.Nodes;
using Airlock.Policy.Loading;

namespace Airlock.Cli.Policy;

/// <summary><c>airlock policy check DIR</c>: validates a bundle and reports every problem with its place and id.</summary>
internal static class PolicyCheckCommand
{
    public static Command Build(CliContext context)
    {
        var dir = PolicyCommands.BundleArgument();
        var json = new Option<bool>("--json") { Description = "Print the result as JSON." };
        var command = new Command("check", "Validate a policy bundle; exits non-zero on any error.") { dir, json };
        command.SetAction(parse => Run(context, parse.GetValue(dir)!, parse.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string directory, bool json)
    {
        var result = BundleLoader.Load(directory);
        if (json)
        {
            var output = new JsonObject
            {
                ["ok"] = result.Succeeded,
                ["files"] = result.FileCount,
                ["revision"] = result.Bundle is { } b ? PolicyCommands.RevisionJson(b.Revision) : null,
                ["errors"] = new JsonArray([.. result.Diagnostics.Select(d => (JsonNode)new JsonObject
                {
                    ["id"] = d.Id,
                    ["file"] = d.Location.File,
                    ["line"] = d.Location.Line,
                    ["column"] = d.Location.Column,
                    ["message"] = d.Message,
                })]),
            };
            context.Out.WriteLine(PolicyCommands.ToJson(output));
            return result.Succeeded ? AirlockCli.Ok : AirlockCli.Failed;
        }

        if (!result.Succeeded)
        {
            PolicyCommands.WriteDiagnostics(context.Error, result.Diagnostics);
            context.Error.WriteLine($"{PolicyCommands.Plural(result.Diagnostics.Count, "error")} in {directory} ({PolicyCommands.Plural(result.FileCount, "file")})");
            return AirlockCli.Failed;
        }

        var bundle = result.Bundle!;
        context.Out.WriteLine($"ok: {directory}: {PolicyCommands.Plural(result.FileCount, "file")}, {PolicyCommands.Plural(bundle.Rules.Count, "rule")}, "
            + $"{PolicyCommands.Plural(bundle.Resources.Count, "resource")}, {PolicyCommands.Plural(bundle.Groups.Count, "group")}, "
            + $"{PolicyCommands.Plural(bundle.Tests.Count, "test case")}; revision {bundle.Revision}");
        return AirlockCli.Ok;
    }
}
