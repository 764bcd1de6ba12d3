using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;

namespace Airlock.Policy.Tests.Support;

internal static class DiagnosticAssertions
{
    /// <summary>The single diagnostic with <paramref name="id"/>; fails listing every diagnostic otherwise.</summary>
    public static PolicyDiagnostic Single(this BundleLoadResult result, string id)
    {
        var matches = result.Diagnostics.Where(d => d.Id == id).ToList();
        Assert.True(matches.Count == 1, $"expected one {id}, got {matches.Count}:{Environment.NewLine}{Describe(result)}");
        return matches[0];
    }

    public static IReadOnlyList<PolicyDiagnostic> All(this BundleLoadResult result, string id) =>
        [.. result.Diagnostics.Where(d => d.Id == id)];

    public static PolicyDiagnostic At(this BundleLoadResult result, string id, string file, int line, int column)
    {
        var match = result.Diagnostics.FirstOrDefault(d => d.Id == id && d.Location == new SourceLocation(file, line, column));
        Assert.True(match is not null, $"expected {id} at {file}:{line}:{column}, got:{Environment.NewLine}{Describe(result)}");
        return match!;
    }

    public static string Describe(this BundleLoadResult result) => string.Join(Environment.NewLine, result.Diagnostics);
}
