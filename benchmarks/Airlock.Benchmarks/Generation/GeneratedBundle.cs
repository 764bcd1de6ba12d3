using System.Diagnostics;
using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;

namespace Airlock.Benchmarks.Generation;

/// <summary>A generated bundle after the real load-and-compile path, with how long each step took.</summary>
internal sealed record GeneratedBundle(BundleShape Shape, PolicySnapshot Snapshot, TimeSpan LoadTime, TimeSpan CompileTime)
{
    /// <summary>
    /// Writes a bundle of <paramref name="ruleCount"/> rules into a temporary directory, loads it with
    /// <see cref="BundleLoader"/> and compiles it. A bundle the loader finds anything wrong with is a
    /// bug in the generator, and stops the run: a benchmark over a half-loaded bundle measures nothing.
    /// </summary>
    public static GeneratedBundle Create(int ruleCount)
    {
        var shape = new BundleShape(ruleCount);
        var directory = Path.Combine(Path.GetTempPath(), $"airlock-bench-{ruleCount}-{Guid.NewGuid():N}");
        try
        {
            BundleGenerator.Write(directory, shape);

            var clock = Stopwatch.StartNew();
            var result = BundleLoader.Load(directory);
            var loadTime = clock.Elapsed;
            if (!result.Succeeded)
            {
                var shown = string.Join(Environment.NewLine, result.Diagnostics.Take(20));
                throw new InvalidOperationException(
                    $"the generated bundle of {ruleCount} rules does not load cleanly ({result.Diagnostics.Count} diagnostics):{Environment.NewLine}{shown}");
            }

            var bundle = result.Bundle!;
            if (bundle.Rules.Count != ruleCount || bundle.Resources.Count != shape.Resources)
            {
                throw new InvalidOperationException(
                    $"the loader read {bundle.Rules.Count} rules and {bundle.Resources.Count} resources; the generator wrote {ruleCount} and {shape.Resources}");
            }

            clock.Restart();
            var snapshot = SnapshotCompiler.Compile(bundle);
            return new GeneratedBundle(shape, snapshot, loadTime, clock.Elapsed);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
