namespace Airlock.Cli.Tests.Support;

/// <summary>Runs the airlock command in-process, capturing what it prints.</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args) => Run(TimeProvider.System, args);

    public static CliResult Run(TimeProvider time, params string[] args) => RunWithInput(string.Empty, time, args);

    /// <summary>Runs with <paramref name="input"/> as standard input.</summary>
    public static CliResult RunWithInput(string input, params string[] args) => RunWithInput(input, TimeProvider.System, args);

    private static CliResult RunWithInput(string input, TimeProvider time, string[] args)
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = AirlockCli.Run(args, stdout, stderr, time, stdin);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The repository root, found by walking up to the solution file, so tests use the real samples.</summary>
    public static string RepoRoot { get; } = FindRoot();

    public static string Samples => Path.Combine(RepoRoot, "samples", "policies");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Airlock.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Airlock.slnx above the test directory");
    }

    /// <summary>Copies the sample bundle to a temp directory that the test may break.</summary>
    public static string CopySamples()
    {
        var target = Path.Combine(Path.GetTempPath(), "airlock-cli-" + Guid.NewGuid().ToString("N"));
        foreach (var file in Directory.EnumerateFiles(Samples, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Samples, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string All => Out + Error;
}
