namespace Airlock.Gateway.Tests.Support;

/// <summary>Paths in the repository, found by walking up from the test assembly to the solution file.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SamplePolicies => Path.Combine(Root, "samples", "policies");

    /// <summary>Copies a directory tree (files only, hidden entries included).</summary>
    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Airlock.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Airlock.slnx not found above " + AppContext.BaseDirectory);
    }
}
