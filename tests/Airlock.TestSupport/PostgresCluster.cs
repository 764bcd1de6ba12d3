using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Airlock.TestSupport;

/// <summary>
/// A real, throwaway PostgreSQL 15 cluster for integration tests: initdb into a fresh temporary directory,
/// started on a free TCP port of 127.0.0.1, stopped and deleted on dispose.
/// </summary>
/// <remarks>
/// <para>
/// The binaries come from <c>/usr/lib/postgresql/15/bin</c>, or from the directory named by the
/// <c>AIRLOCK_PG_BIN</c> environment variable. initdb refuses to run as root, so when this process is root the
/// cluster's directories are given to the <c>postgres</c> user and initdb and pg_ctl run as that user
/// (through <c>runuser</c>).
/// </para>
/// <para>
/// Clients connect over TCP to <see cref="Host"/>:<see cref="Port"/> as <see cref="SuperUser"/> with
/// <see cref="Password"/> (SCRAM-SHA-256); local socket connections are trusted. fsync stays on: tests of
/// durability see the server's real behaviour.
/// </para>
/// </remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>Where Debian's postgresql-15 package puts the server binaries.</summary>
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>The environment variable that names another bin directory.</summary>
    public const string BinDirectoryVariable = "AIRLOCK_PG_BIN";

    private const string ServerUser = "postgres";
    private const int StartAttempts = 3;
    private const int LogTailLines = 40;

    private readonly string? _runAsUser;
    private int _disposed;

    private PostgresCluster(string binDirectory, string rootDirectory, string password, string? runAsUser)
    {
        BinDirectory = binDirectory;
        RootDirectory = rootDirectory;
        Password = password;
        _runAsUser = runAsUser;
    }

    /// <summary>The address the server listens on; it listens nowhere else.</summary>
    public string Host => "127.0.0.1";

    /// <summary>The TCP port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>The superuser the cluster was created with.</summary>
    public string SuperUser => ServerUser;

    /// <summary>The superuser's password, random for each cluster.</summary>
    public string Password { get; }

    /// <summary>The directory holding the PostgreSQL binaries in use.</summary>
    public string BinDirectory { get; }

    /// <summary>The temporary directory that holds everything of this cluster; deleted on dispose.</summary>
    public string RootDirectory { get; }

    /// <summary>The cluster's data directory (PGDATA).</summary>
    public string DataDirectory => Path.Combine(RootDirectory, "data");

    /// <summary>The directory of the server's Unix-domain socket.</summary>
    public string SocketDirectory => Path.Combine(RootDirectory, "sock");

    /// <summary>The server's log file.</summary>
    public string LogFile => Path.Combine(RootDirectory, "server.log");

    /// <summary>
    /// Creates a cluster in a fresh temporary directory and starts it; the cluster is ready for connections
    /// when the task completes. Dispose it to stop it and delete its files.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The binaries are missing, or initdb or the server failed (the message carries their output and the
    /// tail of the server log).
    /// </exception>
    public static async Task<PostgresCluster> StartAsync(CancellationToken cancellationToken = default)
    {
        var binDirectory = FindBinDirectory();
        var runAsUser = IsRoot() ? ServerUser : null;
        var root = Directory.CreateTempSubdirectory("airlock-pg-").FullName;
        var cluster = new PostgresCluster(binDirectory, root, NewPassword(), runAsUser);
        try
        {
            await cluster.InitAsync(cancellationToken).ConfigureAwait(false);
            await cluster.StartServerAsync(cancellationToken).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            try
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // the failure to start is the one to report
            }

            throw;
        }
    }

    /// <summary>
    /// An Npgsql-style connection string for <paramref name="database"/>, as the superuser over TCP.
    /// It says nothing about pooling: callers add what they want.
    /// </summary>
    public string ConnectionString(string database = "postgres")
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        var builder = new DbConnectionStringBuilder
        {
            ["Host"] = Host,
            ["Port"] = Port.ToString(),
            ["Username"] = SuperUser,
            ["Password"] = Password,
            ["Database"] = database,
        };
        return builder.ConnectionString;
    }

    /// <summary>Creates a database (with <c>createdb</c>, over TCP as the superuser).</summary>
    /// <exception cref="InvalidOperationException">createdb failed; the message carries its error output.</exception>
    public async Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        string[] args = [.. ClientConnectionArgs(), "--", name];
        var result = await ProcessRunner.RunAsync(Bin("createdb"), args, ClientEnvironment(), runAsUser: null, cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"createdb {name} failed (exit code {result.ExitCode}): {result.StandardError.Trim()}");
        }
    }

    /// <summary>
    /// Runs <paramref name="sql"/> in <paramref name="database"/> with
    /// <c>psql -X -q -v ON_ERROR_STOP=1 -At -c</c> and returns what it printed: the rows of the statements that
    /// return rows (unaligned, tuples only, no command tags), without the final newline, so
    /// <c>insert ...; select 1</c> gives <c>"1"</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">psql failed; the message carries its error output.</exception>
    public async Task<string> RunPsqlAsync(string database, string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        ArgumentNullException.ThrowIfNull(sql);
        string[] args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", .. ClientConnectionArgs(), "-d", database, "-c", sql];
        var result = await ProcessRunner.RunAsync(Bin("psql"), args, ClientEnvironment(), runAsUser: null, cancellationToken)
            .ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"psql on database {database} failed (exit code {result.ExitCode}): {result.StandardError.Trim()}");
        }

        var output = result.StandardOutput;
        return output.EndsWith('\n') ? output[..^1] : output;
    }

    /// <summary>
    /// Stops the server at once (<c>pg_ctl stop -m immediate</c>) and deletes the cluster's files. Calling it
    /// again does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The server could not be stopped; its files are then left in place.
    /// </exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var result = await RunServerToolAsync(
                "pg_ctl", ["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "60"], CancellationToken.None)
                .ConfigureAwait(false);
            if (!result.Succeeded && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                throw new InvalidOperationException(
                    $"pg_ctl stop failed (exit code {result.ExitCode}); the cluster in {RootDirectory} is left as it is: "
                    + $"{result.StandardError.Trim()}{LogTail()}");
            }
        }

        try
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temporary directory is no reason to fail a test run
        }
        catch (UnauthorizedAccessException)
        {
            // as above
        }
    }

    private async Task InitAsync(CancellationToken cancellationToken)
    {
        var passwordFile = Path.Combine(RootDirectory, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(SocketDirectory);

        if (_runAsUser is not null)
        {
            var chown = await ProcessRunner.RunAsync(
                "chown", ["-R", $"{_runAsUser}:{_runAsUser}", RootDirectory], env: null, runAsUser: null, cancellationToken)
                .ConfigureAwait(false);
            if (!chown.Succeeded)
            {
                throw new InvalidOperationException(
                    $"chown -R {_runAsUser}:{_runAsUser} {RootDirectory} failed (exit code {chown.ExitCode}): "
                    + chown.StandardError.Trim());
            }
        }

        var initdb = await RunServerToolAsync(
            "initdb",
            [
                "-D", DataDirectory,
                "-U", SuperUser,
                "--pwfile", passwordFile,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C",
            ],
            cancellationToken).ConfigureAwait(false);
        File.Delete(passwordFile);
        if (!initdb.Succeeded)
        {
            throw new InvalidOperationException(
                $"initdb -D {DataDirectory} failed (exit code {initdb.ExitCode}): "
                + $"{initdb.StandardError.Trim()}\n{initdb.StandardOutput.Trim()}");
        }

        // Only what the tests use: trusted local sockets, and SCRAM over TCP on the loopback address.
        // The files belong to the server's user already; writing into them keeps that owner.
        await File.WriteAllTextAsync(
            Path.Combine(DataDirectory, "pg_hba.conf"),
            """
            # Written by Airlock.TestSupport.PostgresCluster.
            # TYPE  DATABASE     USER  ADDRESS       METHOD
            local   all          all                 trust
            local   replication  all                 trust
            host    all          all   127.0.0.1/32  scram-sha-256
            host    replication  all   127.0.0.1/32  scram-sha-256

            """,
            cancellationToken).ConfigureAwait(false);

        await File.AppendAllTextAsync(
            Path.Combine(DataDirectory, "postgresql.conf"),
            $"""

            # Added by Airlock.TestSupport.PostgresCluster (the port is given on the command line).
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{SocketDirectory.Replace("'", "''", StringComparison.Ordinal)}'
            shared_buffers = 16MB
            max_connections = 100

            """,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var logLength = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
            var result = await RunServerToolAsync(
                "pg_ctl",
                ["start", "-D", DataDirectory, "-w", "-t", "60", "-l", LogFile, "-o", $"-p {Port}"],
                cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }

            // Someone else may have taken the port between our probe and the server's bind: try another one.
            if (attempt < StartAttempts && LogSince(logLength).Contains("could not bind", StringComparison.Ordinal))
            {
                continue;
            }

            throw new InvalidOperationException(
                $"pg_ctl start (port {Port}, data directory {DataDirectory}) failed (exit code {result.ExitCode}): "
                + $"{result.StandardError.Trim()}{LogTail()}");
        }
    }

    private Task<ProcessResult> RunServerToolAsync(string tool, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        // LC_ALL keeps the tools' messages in English whatever the machine's locale; PGDATA and the like from
        // the caller's environment must not leak in.
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["LC_ALL"] = "C",
            ["PGDATA"] = DataDirectory,
        };
        return ProcessRunner.RunAsync(Bin(tool), args, env, _runAsUser, cancellationToken);
    }

    private string[] ClientConnectionArgs() => ["-w", "-h", Host, "-p", Port.ToString(), "-U", SuperUser];

    private Dictionary<string, string> ClientEnvironment() => new(StringComparer.Ordinal)
    {
        ["PGPASSWORD"] = Password,
        ["PGCONNECT_TIMEOUT"] = "10",
        ["PGSSLMODE"] = "disable",
        ["LC_ALL"] = "C",
    };

    private string Bin(string tool) => Path.Combine(BinDirectory, tool);

    private string LogSince(long offset)
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private string LogTail()
    {
        var lines = LogSince(0).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return $"\n(server log {LogFile} is empty or missing)";
        }

        var tail = lines.Skip(Math.Max(0, lines.Length - LogTailLines));
        return $"\nLast lines of the server log {LogFile}:\n{string.Join('\n', tail)}";
    }

    private static string FindBinDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(BinDirectoryVariable);
        var directory = string.IsNullOrWhiteSpace(fromEnvironment) ? DefaultBinDirectory : fromEnvironment;
        string[] needed = ["initdb", "pg_ctl", "postgres", "psql", "createdb"];
        var missing = needed.Where(tool => !File.Exists(Path.Combine(directory, tool))).ToList();
        if (missing.Count > 0)
        {
            var source = string.IsNullOrWhiteSpace(fromEnvironment)
                ? $"the default directory (set {BinDirectoryVariable} to use another)"
                : $"the directory named by {BinDirectoryVariable}";
            throw new InvalidOperationException(
                $"PostgreSQL 15 binaries ({string.Join(", ", missing)}) were not found in {directory}, {source}. "
                + "These integration tests need a local PostgreSQL 15 server installation: "
                + "apt-get install postgresql (on Debian 12, where that is PostgreSQL 15), or apt-get install postgresql-15.");
        }

        return directory;
    }

    private static bool IsRoot() => Environment.IsPrivilegedProcess || Environment.UserName == "root";

    private static string NewPassword() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);

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
