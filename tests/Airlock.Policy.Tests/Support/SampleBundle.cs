namespace Airlock.Policy.Tests.Support;

/// <summary>Finds samples/policies by walking up from the test assembly to the repository root.</summary>
internal static class SampleBundle
{
    public static string Directory { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "policies");
            if (System.IO.Directory.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "Directory.Build.props")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("samples/policies not found above " + AppContext.BaseDirectory);
    }
}
