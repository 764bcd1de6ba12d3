using System.CommandLine;
using Airlock.Policy.Testing;

namespace Airlock.Cli.Policy;

/// <summary><c>airlock policy test DIR</c>: runs the bundle's test cases and reports rule coverage.</summary>
internal static class PolicyTestCommand
{
    public static Command Build(CliContext context)
    {
        var dir = PolicyCommands.BundleArgument();
        var junit = new Option<string?>("--junit") { Description = "Also write a JUnit XML report to this file, for CI." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "List passing cases too." };
        var command = new Command("test", "Run the bundle's tests/*.yaml cases; exits non-zero on any failure.") { dir, junit, verbose };
        command.SetAction(parse => Run(context, parse.GetValue(dir)!, parse.GetValue(junit), parse.GetValue(verbose)));
        return command;
    }

    private static int Run(CliContext context, string directory, string? junitPath, bool verbose)
    {
        var snapshot = PolicyCommands.LoadOrReport(context, directory, out _);
        if (snapshot is null)
        {
            return AirlockCli.Failed;
        }

        var report = new PolicyTestRunner(snapshot, PolicyCommands.Classifier, context.Time).Run();
        var output = context.Out;
        foreach (var result in report.Results)
        {
            if (result.Passed)
            {
                if (verbose)
                {
                    output.WriteLine($"PASS  {result.Case.Name}  ({PolicyCommands.Name(result.ActualDecision)} by {result.ActualRule})");
                }

                continue;
            }

            output.WriteLine($"FAIL  {result.Case.Name}  ({result.Case.Location})");
            foreach (var failure in result.Failures)
            {
                output.WriteLine($"      {failure}");
            }

            var rules = snapshot.RulesById;
            output.WriteLine($"      matched: {(result.MatchedRules.Count == 0 ? "no rule (default deny)" : string.Join(", ", result.MatchedRules.Select(id => $"{id} [{PolicyCommands.Name(rules[id].Effect)}, {rules[id].Location}]")))}");
        }

        var covered = report.RuleCount - report.UncoveredRules.Count;
        output.WriteLine($"Rule coverage: {covered}/{report.RuleCount} rules decided at least one case ({report.CoveragePercent:0.#}%)");
        foreach (var rule in report.UncoveredRules)
        {
            output.WriteLine($"  not exercised: {rule.Id} ({rule.Location})");
        }

        if (junitPath is not null)
        {
            JUnitReport.Build(report, directory).Save(junitPath);
            output.WriteLine($"JUnit report written to {junitPath}");
        }

        output.WriteLine($"{report.Passed} passed, {report.Failed} failed");
        return report.Failed == 0 ? AirlockCli.Ok : AirlockCli.Failed;
    }
}
