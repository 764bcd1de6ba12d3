using System.Security.Cryptography;
using System.Text;
using Airlock.Policy.Loading;

namespace Airlock.Gateway.Policies;

/// <summary>
/// A bundle directory's policy files as text, keyed by bundle-relative path (with '/'), and their content
/// hash computed exactly as <see cref="BundleLoader"/> computes a revision: so the host can tell an
/// unchanged bundle without parsing it, and knows the files it stores are the ones that were checked.
/// </summary>
internal sealed record BundleFiles(IReadOnlyDictionary<string, string> Files, string ContentHash)
{
    /// <summary>The files below <paramref name="directory"/>, or null when it does not exist or cannot be listed.</summary>
    /// <remarks>
    /// The rules follow <see cref="BundleLoader"/>: <c>*.yaml</c> and <c>*.yml</c> (case-sensitive), hidden
    /// entries skipped, linked directories not followed, files in ordinal order of their relative path, each
    /// hashed as <c>path\nlength\n</c> then its text. A file that cannot be read is left out of both (the loader
    /// reports it, so such a bundle never loads).
    /// </remarks>
    public static BundleFiles? Read(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return null;
        }

        var paths = new List<string>();
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(directory));
        try
        {
            while (pending.Count > 0)
            {
                foreach (var entry in pending.Pop().EnumerateFileSystemInfos())
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
                        paths.Add(entry.FullName);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            return null;
        }

        var root = Path.GetFullPath(directory);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (path, relative) in paths.Select(p => (p, Path.GetRelativePath(root, p).Replace('\\', '/'))).OrderBy(p => p.Item2, StringComparer.Ordinal))
        {
            var text = ReadText(path);
            if (text is null)
            {
                continue;
            }

            hash.AppendData(Encoding.UTF8.GetBytes(relative + "\n" + text.Length + "\n"));
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            files[relative] = text;
        }

        return new BundleFiles(files, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <summary>Writes the files below <paramref name="directory"/>; a path that would leave it is refused.</summary>
    public static void Write(IReadOnlyDictionary<string, string> files, string directory)
    {
        var root = Path.GetFullPath(directory);
        foreach (var (relative, text) in files)
        {
            var target = Path.GetFullPath(Path.Combine(root, relative));
            if (relative.Length == 0 || Path.IsPathRooted(relative) || !target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || relative.Split('/', '\\').Any(segment => segment is "" or "." or ".."))
            {
                throw new InvalidDataException($"the stored bundle names a file outside the bundle ('{relative}')");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        }
    }

    private static string? ReadText(string path)
    {
        try
        {
            if (new FileInfo(path).Length > BundleLoader.MaxFileBytes)
            {
                return null;
            }

            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return null;
        }
    }
}
