using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Airlock.Policy.Compilation;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;

namespace Airlock.Cli.Policy;

/// <summary>
/// <c>airlock policy check | test | explain</c>: the policy engine, used alone with no gateway running; and
/// <c>status | reload</c>, which ask a running gateway.
/// </summary>
internal static class PolicyCommands
{
    public static Command Build(CliContext context)
    {
        var policy = new Command("policy", "Check, test and explain a policy bundle (a directory of YAML files); show or reload a running gateway's policy.");
        policy.Add(PolicyCheckCommand.Build(context));
        policy.Add(PolicyTestCommand.Build(context));
        policy.Add(PolicyExplainCommand.Build(context));

        // These two ask a running gateway (its admin API) instead of reading a bundle directory.
        policy.Add(Gateway.PolicyAdminCommands.Status(context));
        policy.Add(Gateway.PolicyAdminCommands.Reload(context));
        return policy;
    }

    /// <summary>The SQL classifier policy commands use for SQL text: PostgreSQL's own parser.</summary>
    public static SqlClassifier Classifier { get; } = SqlClassifiers.PostgresParser;

    public static Argument<string> BundleArgument() => new("dir") { Description = "The policy bundle directory." };

    /// <summary>Loads and compiles a bundle, or prints every problem and returns null.</summary>
    public static PolicySnapshot? LoadOrReport(CliContext context, string directory, out BundleLoadResult result)
    {
        result = BundleLoader.Load(directory);
        if (result.Succeeded)
        {
            return SnapshotCompiler.Compile(result.Bundle!);
        }

        WriteDiagnostics(context.Error, result.Diagnostics);
        context.Error.WriteLine($"{Plural(result.Diagnostics.Count, "error")} in {directory}; the bundle was not loaded");
        return null;
    }

    public static void WriteDiagnostics(TextWriter writer, IEnumerable<PolicyDiagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            writer.WriteLine(diagnostic.ToString());
        }
    }

    public static JsonObject RevisionJson(BundleRevision revision) => new()
    {
        ["display"] = revision.ToString(),
        ["content_hash"] = revision.ContentHash,
        ["git_commit"] = revision.GitCommit,
        ["git_dirty"] = revision.GitDirty,
    };

    public static JsonObject LocationJson(SourceLocation location) => new()
    {
        ["file"] = location.File,
        ["line"] = location.Line,
        ["column"] = location.Column,
    };

    public static string ToJson(JsonNode node) => CliJson.Indented(node);

    public static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? string.Empty : "s")}";

    public static string Name(RuleEffect effect) => effect.ToString().ToLowerInvariant();
}
