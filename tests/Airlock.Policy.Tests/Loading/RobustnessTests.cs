using Airlock.Policy.Compilation;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Policy.Testing;
using Airlock.Policy.Tests.Support;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Loading;

/// <summary>
/// Mangles the sample bundle in many small, seeded ways: loading must never throw, every diagnostic must
/// carry a published id and a place in the bundle, and whatever loads cleanly must compile and decide.
/// </summary>
public sealed class RobustnessTests
{
    private static readonly string[] Tokens =
    [
        ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!", "!!str ", "|", "> ", "'", "\"", "#", "\t", "\n", "  ", "? ", "%",
        "@", "`", ",", "~", "null", "---\n", "...\n", "-1", "1e9", "\\", "é", "\u00a0", "0x10", "yes", "[]", "{}", "*", "**", "/",
    ];

    [Fact]
    public void Mangled_bundles_give_diagnostics_and_never_exceptions()
    {
        var files = Directory.EnumerateFiles(SampleBundle.Directory, "*.yaml", SearchOption.AllDirectories)
            .Select(p => (Relative: Path.GetRelativePath(SampleBundle.Directory, p), Text: File.ReadAllText(p)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToArray();
        using var bundle = new TempBundle([.. files]);
        var random = new Random(7);
        var failedLoads = 0;
        var exceptions = new List<string>();

        for (var iteration = 0; iteration < 400; iteration++)
        {
            var (relative, original) = files[random.Next(files.Length)];
            var text = original;
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                text = Mutate(text, random);
            }

            bundle.Write(relative, text);
            try
            {
                var result = BundleLoader.Load(bundle.Directory);
                failedLoads += result.Succeeded ? 0 : 1;
                Assert.All(result.Diagnostics, d =>
                {
                    Assert.True(PolicyErrors.Titles.ContainsKey(d.Id), d.ToString());
                    Assert.StartsWith(bundle.Directory, d.Location.File, StringComparison.Ordinal);
                    Assert.True(d.Location.Line >= 0 && d.Location.Column >= 0, d.ToString());
                    Assert.False(string.IsNullOrWhiteSpace(d.Message), d.ToString());
                });

                if (result.Succeeded)
                {
                    Exercise(result.Bundle!);
                }
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                exceptions.Add($"iteration {iteration}, {relative}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace?.Split('\n').FirstOrDefault()}");
            }
            finally
            {
                bundle.Write(relative, original);
            }
        }

        Assert.True(exceptions.Count == 0, $"{exceptions.Count} loads threw:\n{string.Join("\n", exceptions)}");

        // The mutations must actually break things most of the time, or the test proves little.
        Assert.InRange(failedLoads, 200, 400);
    }

    private static void Exercise(PolicyBundle bundle)
    {
        var snapshot = SnapshotCompiler.Compile(bundle);
        new PolicyTestRunner(snapshot, null, new FixedTimeProvider(World.Noon)).Run();
        var principal = snapshot.ResolvePrincipal(new PrincipalInfo { User = "alice", Mfa = true });
        foreach (var resource in bundle.Resources)
        {
            snapshot.Decide(new AccessRequest(principal, resource.Name, PolicyAction.Sql(StatementKind.Read, ["orders"]), World.Noon), new DecisionBuffer());
            snapshot.Decide(new AccessRequest(principal, resource.Name, PolicyAction.Command(["kubectl", "get"]), World.Noon), new DecisionBuffer());
            snapshot.Decide(new AccessRequest(principal, resource.Name, PolicyAction.Http("GET", "/v1/x"), World.Noon), new DecisionBuffer());
        }
    }

    private static string Mutate(string text, Random random)
    {
        if (text.Length == 0)
        {
            return Tokens[random.Next(Tokens.Length)];
        }

        var at = random.Next(text.Length);
        var lines = text.Split('\n');
        switch (random.Next(6))
        {
            case 0:
                return text.Remove(at, Math.Min(text.Length - at, random.Next(1, 20)));
            case 1:
                return text.Insert(at, Tokens[random.Next(Tokens.Length)]);
            case 2:
            {
                var line = random.Next(lines.Length);
                return string.Join('\n', lines.Take(line + 1).Append(lines[line]).Concat(lines.Skip(line + 1)));
            }

            case 3:
            {
                int a = random.Next(lines.Length), b = random.Next(lines.Length);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            }

            case 4:
            {
                var line = random.Next(lines.Length);
                lines[line] = random.Next(2) == 0 ? "  " + lines[line] : lines[line].TrimStart();
                return string.Join('\n', lines);
            }

            default:
                return string.Concat(text.AsSpan(0, at), ((char)random.Next(32, 127)).ToString(), text.AsSpan(at + 1));
        }
    }
}
