using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Airlock.Gateway.Demo;

public sealed partial class DemoDatabase
{
    /// <summary>sun_path holds 108 bytes with its terminating zero (unix(7)); the server's socket name must fit.</summary>
    private const int MaxSocketPathBytes = 107;

    private const int StartAttempts = 3;

    private static string FindBinDirectory(string? configured)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        var directory = configured ?? (string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultBinDirectory : fromEnvironment);
        string[] needed = ["initdb", "pg_ctl", "postgres"];
        var missing = needed.Where(tool => !File.Exists(Path.Combine(directory, tool))).ToList();
        if (missing.Count == 0)
        {
            return directory;
        }

        var source = configured is not null ? "the configured directory"
            : string.IsNullOrWhiteSpace(fromEnvironment) ? $"the default directory (set {BinDirectoryVariable} to use another)"
            : $"the directory named by {BinDirectoryVariable}";
        throw new GatewayException(
            GatewayErrors.DemoBinariesMissing,
            $"error {GatewayErrors.DemoBinariesMissing}: PostgreSQL 15 server binaries ({string.Join(", ", missing)}) not found in {directory}, {source}. "
            + "The demo runs its own throwaway PostgreSQL; install it with: apt-get install postgresql-15");
    }

    /// <summary>The directory to use, made if need be; refuses one that already holds a cluster.</summary>
    private static (string Directory, bool Created) ResolveDirectory(DemoDatabaseOptions options)
    {
        if (options.Directory is null)
        {
            return (System.IO.Directory.CreateTempSubdirectory("airlock-demo-").FullName, true);
        }

        var directory = Path.GetFullPath(options.Directory);
        foreach (var part in (string[])["pgdata", "pgrun"])
        {
            var path = Path.Combine(directory, part);
            if (System.IO.Directory.Exists(path) && System.IO.Directory.EnumerateFileSystemEntries(path).Any())
            {
                throw new GatewayException(
                    GatewayErrors.DemoDirectoryInUse,
                    $"error {GatewayErrors.DemoDirectoryInUse}: {path} already exists (a demo database from an earlier run?); it is left as it is: remove it, or use another directory");
            }
        }

        if (System.IO.Directory.Exists(directory))
        {
            return (directory, false);
        }

        System.IO.Directory.CreateDirectory(directory);
        return (directory, true);
    }

    /// <summary>The socket directory: <c>DIR/pgrun</c>, or a short temporary one when that path is too long for a socket.</summary>
    private static string ChooseSocketDirectory(string directory)
    {
        var preferred = Path.Combine(directory, "pgrun");
        return Encoding.UTF8.GetByteCount(Path.Combine(preferred, ".s.PGSQL.65535")) <= MaxSocketPathBytes
            ? preferred
            : Path.Combine(Path.GetTempPath(), "airlock-demo-sock-" + Guid.NewGuid().ToString("N")[..8]);
    }

    /// <summary>Makes the cluster's directories and, when root, hands them to the server's user, who must be able to reach them.</summary>
    private async Task PrepareAsync(bool createdDirectory, CancellationToken cancellationToken)
    {
        foreach (var path in new[] { DataDirectory, RunDirectory, SocketDirectory }.Distinct(StringComparer.Ordinal))
        {
            if (!System.IO.Directory.Exists(path))
            {
                System.IO.Directory.CreateDirectory(path);
                _created.Add(path);
            }
        }

        if (_runAsUser is null)
        {
            return;
        }

        if (createdDirectory && !OperatingSystem.IsWindows())
        {
            // A temporary directory is made 0700; the server's user only needs to pass through it.
            File.SetUnixFileMode(Directory, File.GetUnixFileMode(Directory) | UnixFileMode.OtherExecute | UnixFileMode.GroupExecute);
        }

        string[] owned = [.. new[] { DataDirectory, RunDirectory, SocketDirectory }.Distinct(StringComparer.Ordinal)];
        var chown = await ServerProcess.RunAsync("chown", ["-R", $"{_runAsUser}:{_runAsUser}", .. owned], env: null, runAsUser: null, cancellationToken);
        if (!chown.Succeeded)
        {
            throw new InvalidOperationException($"chown -R {_runAsUser} {string.Join(' ', owned)} failed (exit code {chown.ExitCode}): {chown.Output}");
        }

        if (await CanReachAsync(cancellationToken))
        {
            return;
        }

        // A directory the caller made 0700: let the server's user pass through (search only, no listing); undone on dispose.
        if (!createdDirectory && !OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Directory);
            if ((mode & UnixFileMode.OtherExecute) == UnixFileMode.None)
            {
                File.SetUnixFileMode(Directory, mode | UnixFileMode.OtherExecute);
                _restoreMode = mode;
                if (await CanReachAsync(cancellationToken))
                {
                    return;
                }
            }
        }

        throw new InvalidOperationException(
            $"the '{_runAsUser}' user, which runs the server, cannot reach {DataDirectory}: a directory above it does not let others pass; "
            + "give it search permission (chmod o+x DIR) or choose another directory");
    }

    private async Task<bool> CanReachAsync(CancellationToken cancellationToken) =>
        (await ServerProcess.RunAsync("test", ["-w", DataDirectory, "-a", "-w", SocketDirectory], env: null, _runAsUser, cancellationToken)).Succeeded;

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        var initdb = await RunServerToolAsync(
            "initdb",
            ["-D", DataDirectory, "-U", SuperUser, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync"],
            cancellationToken);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException($"initdb -D {DataDirectory} failed (exit code {initdb.ExitCode}): {initdb.Output}");
        }

        // The superuser only over the socket, which only the server's user (and root) can open; every login over
        // TCP is SCRAM, and the superuser has no password to log in with anyway.
        // https://www.postgresql.org/docs/15/auth-pg-hba-conf.html: the first matching line decides.
        await File.WriteAllTextAsync(
            Path.Combine(DataDirectory, "pg_hba.conf"),
            """
            # Written by airlock demo.
            # TYPE  DATABASE  USER      ADDRESS       METHOD
            local   all       all                     trust
            host    all       postgres  127.0.0.1/32  reject
            host    all       all       127.0.0.1/32  scram-sha-256

            """,
            cancellationToken);

        // Sample data, made again on every run: durability is traded for a fast load.
        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"""

            # Added by airlock demo (the port is given on the command line).
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{SocketDirectory.Replace("'", "''", StringComparison.Ordinal)}'
            unix_socket_permissions = 0700
            password_encryption = scram-sha-256
            shared_buffers = 32MB
            max_connections = 50
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """,
            cancellationToken);
    }

    private async Task StartServerAsync(int port, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = port != 0 ? port : FreePort();
            var logLength = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var result = await RunServerToolAsync(
                "pg_ctl",
                ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", $"-p {Port}"],
                cancellationToken);
            if (result.Succeeded)
            {
                return;
            }

            // Someone may have taken the free port between the probe and the server's bind: try another.
            if (port == 0 && attempt < StartAttempts && LogSince(logLength).Contains("could not bind", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException($"pg_ctl start (port {Port}, data directory {DataDirectory}) failed (exit code {result.ExitCode}): {result.Output}");
        }
    }

    private Task<ToolResult> RunServerToolAsync(string tool, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        // LC_ALL keeps messages in English whatever the machine's locale; the caller's PGDATA must not leak in.
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["LC_ALL"] = "C", ["PGDATA"] = DataDirectory };
        return ServerProcess.RunAsync(Path.Combine(BinDirectory, tool), args, env, _runAsUser, cancellationToken);
    }

    /// <summary>Removes what this database created, newest first; the caller's directory and anything else in it stay.</summary>
    private void RemoveCreated()
    {
        foreach (var path in Enumerable.Reverse(_created))
        {
            try
            {
                System.IO.Directory.Delete(path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover directory of sample data is not worth failing the shutdown for.
            }
        }

        _created.Clear();
        if (_restoreMode is { } mode && System.IO.Directory.Exists(Directory) && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, mode);
            _restoreMode = null;
        }
    }

    private string LogSince(long offset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private string LogTail()
    {
        var lines = LogSince(0).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? string.Empty : $"\nLast lines of the server log {LogFile}:\n{string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 20)))}";
    }

    private static bool IsRoot() => Environment.IsPrivilegedProcess;

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
