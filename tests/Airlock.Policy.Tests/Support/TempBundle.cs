using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;

namespace Airlock.Policy.Tests.Support;

/// <summary>A bundle directory written from strings, deleted when the test ends.</summary>
internal sealed class TempBundle : IDisposable
{
    public TempBundle(params (string Path, string Text)[] files)
    {
        Directory = Path.Combine(Path.GetTempPath(), "airlock-policy-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        foreach (var (path, text) in files)
        {
            Write(path, text);
        }
    }

    public string Directory { get; }

    public void Write(string relativePath, string text)
    {
        var full = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }

    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    public BundleLoadResult Load() => BundleLoader.Load(Directory);

    /// <summary>Loads and compiles, failing the test with every diagnostic when the bundle is invalid.</summary>
    public PolicySnapshot Compile()
    {
        var result = Load();
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Diagnostics));
        return SnapshotCompiler.Compile(result.Bundle!);
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }
}
