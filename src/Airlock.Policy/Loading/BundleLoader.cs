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

        var files = ListFiles(directory, diagnostics);
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

    /// <summary>
    /// Every policy file below the directory, in path order. Hidden entries are skipped, and linked
    /// directories are not followed: a link could loop, or pull in files from outside the bundle.
    /// </summary>
    private static List<(string Path, string Relative)> ListFiles(string directory, DiagnosticBag diagnostics)
    {
        var files = new List<(string Path, string Relative)>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(directory));
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            try
            {
                foreach (var entry in current.EnumerateFileSystemInfos())
                {
                    if (entry.Name.StartsWith('.'))
                    {
                        continue;
                    }

                    if (entry is DirectoryInfo child)
                    {
                        if (child.LinkTarget is null)
                        {
                            pending.Push(child);
                        }
                    }
                    else if (entry.Name.EndsWith(".yaml", StringComparison.Ordinal) || entry.Name.EndsWith(".yml", StringComparison.Ordinal))
                    {
                        files.Add((Path.Combine(RelativeBase(directory, current), entry.Name), string.Empty));
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                diagnostics.Add(PolicyErrors.FileUnreadable, new SourceLocation(current.FullName, 0, 0), $"cannot list directory: {ex.Message}");
            }
        }

        return [.. files
            .Select(f => (f.Path, Relative: Path.GetRelativePath(directory, f.Path)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)];
    }

    /// <summary>The directory as the user named it (relative paths stay relative in messages), joined with the subfolder.</summary>
    private static string RelativeBase(string root, DirectoryInfo current)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(root), current.FullName);
        return relative == "." ? root : Path.Combine(root, relative);
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
