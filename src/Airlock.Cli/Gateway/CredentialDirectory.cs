namespace Airlock.Cli.Gateway;

/// <summary>
/// The config directory that holds tokens (logins.json, pgpass) must be the user's alone: owned by them and
/// writable by no one else. Otherwise another user could plant or swap files in it (rename and unlink need only
/// write permission on the directory), as ssh refuses a ~/.ssh others can write (AL1040). A credential file
/// that is a symlink is refused too (AL1041): airlock never writes one, so someone else made it.
/// </summary>
internal static class CredentialDirectory
{
    public const string UnsafeDirectory = "AL1040";
    public const string LinkedFile = "AL1041";

    private const UnixFileMode OwnerOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OthersWrite = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Creates the directory 0700 if it is missing, then checks it.</summary>
    public static void Ensure(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        Check(directory);
    }

    /// <summary>Refuses (AL1040) a directory another user owns or that its group or others may write.</summary>
    public static void Check(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // A symlinked config directory (dotfile managers make them) is judged by what it points to: that is
        // where the files go. The owner is read of the resolved directory itself.
        var resolved = new DirectoryInfo(directory).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory;
        var mode = File.GetUnixFileMode(resolved);
        if ((mode & OthersWrite) != UnixFileMode.None)
        {
            throw new CliUsageException(
                $"error {UnsafeDirectory}: the config directory {directory} may be written by its group or others, who could plant or replace the tokens in it: run chmod 700 {directory} (or choose another with --config-dir), then try again");
        }

        if (UnixOwner.Of(resolved) is { } ids && ids.Owner != ids.Us)
        {
            throw new CliUsageException(
                $"error {UnsafeDirectory}: the config directory {directory} belongs to uid {ids.Owner}, not to you (uid {ids.Us}), so its owner can read and replace the tokens in it: use a directory of your own (--config-dir or {StoredLogins.DirectoryVariable})");
        }
    }

    /// <summary>Refuses (AL1041) a credential file that is a symlink: reading it would take someone else's file for ours.</summary>
    public static void RefuseLink(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            throw new CliUsageException($"error {LinkedFile}: {path} is a symlink, which airlock never writes, so someone else made it: remove it, then run airlock login again");
        }
    }
}
