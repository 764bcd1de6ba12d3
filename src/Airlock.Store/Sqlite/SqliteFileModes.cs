namespace Airlock.Store.Sqlite;

/// <summary>
/// Keeps an SQLite store private to the user who runs the gateway (issue 14, class J): the store holds the
/// audit trail, approval requests with the exact text of held statements, and token hashes.
/// <list type="bullet">
/// <item>A directory the store creates is 0700; the database file is created 0600 before SQLite opens it.
/// SQLite gives the -wal, -shm and -journal files the database file's mode (os_unix.c, findCreateFileMode),
/// whatever the umask, so they are 0600 too.</item>
/// <item>A store file, or its directory, that group or others may write is refused (<see cref="StoreErrors.UnsafePermissions"/>):
/// someone else may have changed it already, or may plant a -wal file beside it.</item>
/// <item>A store file that group or others may only read (left by an older build, or copied) is made 0600 at
/// once, with a warning (<see cref="StoreErrors.PermissionsFixed"/>).</item>
/// </list>
/// Read-only opens (the audit commands, possibly run by an auditor on someone else's file) check nothing and
/// change nothing. Windows has no such modes; its ACLs are left to the operator.
/// </summary>
internal static class SqliteFileModes
{
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
    private const UnixFileMode AnyForOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>The files SQLite keeps beside the database (https://www.sqlite.org/tempfiles.html).</summary>
    public static IReadOnlyList<string> Companions { get; } = ["-wal", "-shm", "-journal"];

    /// <summary>Before the first open for writing: the directory and database file exist and are private, or the open is refused.</summary>
    public static void Prepare(string path, Action<string, string>? warn)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var directory = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(directory))
        {
            CreatePrivateDirectories(directory);

            var mode = File.GetUnixFileMode(directory);
            if ((mode & WritableByOthers) != UnixFileMode.None)
            {
                throw new StoreException(
                    StoreErrors.UnsafePermissions,
                    $"the store {path} is in a directory that {Who(mode)} may write ({Octal(mode)}): they could replace the store or plant its -wal file; keep the store in a directory only you may write (chmod 700 {directory})");
            }
        }

        foreach (var file in (string[])[path, .. Companions.Select(c => path + c)])
        {
            CheckFile(path, file, warn);
        }

        // A directory in its place is left for SQLite to refuse (SQLITE_CANTOPEN, AL0702).
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            try
            {
                // Created here with its final mode, so there is no moment when it is 0644 (umask 022).
                using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = PrivateFile });
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process (a second gateway, an admin command) created it first: check what it made.
                CheckFile(path, path, warn);
            }
        }
    }

    /// <summary>After SQLite opened the store (WAL mode made -wal and -shm): they are private too.</summary>
    public static void CheckCompanions(string path, Action<string, string>? warn)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var suffix in Companions)
        {
            CheckFile(path, path + suffix, warn);
        }
    }

    /// <summary>Makes each missing directory on the way 0700 (Directory.CreateDirectory gives the mode to the last one only).</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreatePrivateDirectories(string directory)
    {
        var missing = new Stack<string>();
        for (var current = directory; !string.IsNullOrEmpty(current) && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next, PrivateDirectory);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CheckFile(string store, string file, Action<string, string>? warn)
    {
        if (!File.Exists(file))
        {
            return;
        }

        var mode = File.GetUnixFileMode(file);
        if ((mode & WritableByOthers) != UnixFileMode.None)
        {
            throw new StoreException(
                StoreErrors.UnsafePermissions,
                $"the store file {file} may be written by {Who(mode)} ({Octal(mode)}): the trail and approvals in it cannot be trusted to be the gateway's own; check it (airlock audit verify), then chmod 600 it");
        }

        if ((mode & AnyForOthers) != UnixFileMode.None)
        {
            File.SetUnixFileMode(file, (mode & ~AnyForOthers) | PrivateFile);
            warn?.Invoke(
                StoreErrors.PermissionsFixed,
                $"{StoreErrors.PermissionsFixed}: the store file {file} was readable by {Who(mode)} ({Octal(mode)}); it is 0600 now. Anyone who read it before may hold a copy of the store {store}");
        }
    }

    private static string Who(UnixFileMode mode) =>
        (mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute)) != UnixFileMode.None && (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != UnixFileMode.None
            ? "its group and other users"
            : (mode & (UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != UnixFileMode.None ? "other users" : "its group";

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1ff, 8);
}
