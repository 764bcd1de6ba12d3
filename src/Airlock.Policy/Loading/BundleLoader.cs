using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

/// <summary>
/// Reads a bundle directory: every <c>*.yaml</c>/<c>*.yml</c> file, in path order, with files under
/// <c>tests/</c> holding test cases. Nothing is thrown for bad input; the result carries every problem.
/// </summary>
/// <remarks>
/// <code>
///  files ──read──► YAML trees ──bind──► definitions ──validate──► PolicyBundle ──compile──► PolicySnapshot
///         (size,      (depth, aliases,   (keys, types,   (references, shadowed
///          UTF-8)      duplicate keys)    secrets)        rules, test cases)
/// </code>
/// </remarks>
public static class BundleLoader
{
    /// <summary>A policy file larger than this is refused: policy is for people to review, not generated dumps.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    public static BundleLoadResult Load(string directory)
    {
        var diagnostics = new DiagnosticBag();
        if (!System.IO.Directory.Exists(directory))
        {
            diagnostics.Add(PolicyErrors.BundleNotFound, new SourceLocation(directory, 0, 0), $"bundle directory '{directory}' does not exist");
            return new BundleLoadResult(null, diagnostics.ToSortedList(), 0);
        }

        var files = ListFiles(directory);
        var reader = new BundleReader(new NodeBinder(diagnostics));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, relative) in files)
        {
            var text = ReadFile(path, diagnostics);
            if (text is null)
            {
                continue;
            }

            // The revision hashes each file's bundle-relative path and content, so a rename is a new revision.
            hash.AppendData(Encoding.UTF8.GetBytes(relative.Replace('\\', '/') + "\n" + text.Length + "\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            var root = YamlTreeReader.Read(path, text, diagnostics);
            if (root is null)
            {
                continue;
            }

            SecretScanner.Scan(root, reader.Binder);
            if (IsTestFile(relative))
            {
                reader.ReadTestFile(root);
            }
            else
            {
                reader.ReadPolicyFile(root);
            }
        }

        var contentHash = Convert.ToHexStringLower(hash.GetHashAndReset());
        var (commit, dirty) = GitRevision(directory);
        var bundle = reader.Build(directory, new BundleRevision(contentHash, commit, dirty));
        if (bundle is not null)
        {
            BundleValidator.Validate(bundle, reader.Binder, reader.DeclaredRuleIds.ToHashSet(StringComparer.Ordinal));
        }

        return new BundleLoadResult(bundle, diagnostics.ToSortedList(), files.Count);
    }

    private static List<(string Path, string Relative)> ListFiles(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden, IgnoreInaccessible = false };
        return [.. System.IO.Directory.EnumerateFiles(directory, "*", options)
            .Where(p => p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal))
            .Select(p => (Path: p, Relative: Path.GetRelativePath(directory, p)))
            .Where(f => !f.Relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)];
    }

    private static bool IsTestFile(string relative) =>
        relative.StartsWith("tests" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static string? ReadFile(string path, DiagnosticBag diagnostics)
    {
        var location = new SourceLocation(path, 0, 0);
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxFileBytes)
            {
                diagnostics.Add(PolicyErrors.FileTooLarge, location, $"file is {info.Length:N0} bytes; a policy file may be at most {MaxFileBytes:N0} bytes");
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            diagnostics.Add(PolicyErrors.FileUnreadable, location, "file is not valid UTF-8");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(PolicyErrors.FileUnreadable, location, $"cannot read file: {ex.Message}");
            return null;
        }
    }

    /// <summary>The commit of the work tree holding the bundle, and whether the bundle differs from it.</summary>
    private static (string? Commit, bool Dirty) GitRevision(string directory)
    {
        var commit = RunGit(directory, "rev-parse", "HEAD");
        if (commit is null || commit.Length < 7)
        {
            return (null, false);
        }

        var status = RunGit(directory, "status", "--porcelain", "--", ".");
        return (commit, !string.IsNullOrEmpty(status));
    }

    private static string? RunGit(string directory, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo("git")
            {
                WorkingDirectory = directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git on this machine: the content hash alone names the revision
        }
    }
}
