using System.Data.Common;

namespace Airlock.Gateway.Demo;

/// <summary>
/// The throwaway PostgreSQL behind <c>airlock demo</c>: a fresh PostgreSQL 15 cluster listening on
/// 127.0.0.1 only, with database <c>demo</c> (tables <c>customers</c> and <c>orders</c> full of sample PII)
/// and role <c>airlock_demo</c>, whose random password is the credential the gateway brokers.
/// </summary>
/// <remarks>
/// <code>
///  binaries? ─► DIR/pgdata (initdb, as postgres via runuser when root) ─► pg_hba: local trust, TCP scram-sha-256,
///  superuser never over TCP ─► pg_ctl start on a free port ─► over the socket as superuser: role (SCRAM verifier,
///  not the password), database, tables ─► binary COPY of the generated rows ─► keys, grants, ANALYZE
/// </code>
/// The cluster trades durability for speed (fsync off): it is sample data, made again on every run.
/// </remarks>
public sealed partial class DemoDatabase : IAsyncDisposable
{
    /// <summary>Where Debian's postgresql-15 package puts the server binaries.</summary>
    public const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>The environment variable that names another bin directory.</summary>
    public const string BinDirectoryVariable = "AIRLOCK_PG_BIN";

    /// <summary>The variable the sample policy's <c>demo</c> resource reads the password from (<c>password: env:AIRLOCK_DEMO_PASSWORD</c>).</summary>
    public const string PasswordVariable = "AIRLOCK_DEMO_PASSWORD";

    public const string DatabaseName = "demo";

    public const string RoleName = "airlock_demo";

    private const string SuperUser = "postgres";

    private readonly string? _runAsUser;
    private readonly List<string> _created = [];
    private UnixFileMode? _restoreMode;
    private int _stopped;
    private int _disposed;

    private DemoDatabase(string binDirectory, string directory, string socketDirectory, string? runAsUser, string password)
    {
        BinDirectory = binDirectory;
        Directory = directory;
        SocketDirectory = socketDirectory;
        _runAsUser = runAsUser;
        Password = password;
    }

    /// <summary>The address the server listens on; it listens nowhere else.</summary>
    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    public string Database => DatabaseName;

    /// <summary>The role the gateway connects as.</summary>
    public string User => RoleName;

    /// <summary>The role's password, random for each demo database. Never print it.</summary>
    public string Password { get; }

    public string BinDirectory { get; }

    /// <summary>The directory holding everything of this database.</summary>
    public string Directory { get; }

    /// <summary>The cluster's data directory (PGDATA): <c>DIR/pgdata</c>.</summary>
    public string DataDirectory => Path.Combine(Directory, "pgdata");

    /// <summary>The server's Unix-socket directory (normally <c>DIR/pgrun</c>).</summary>
    public string SocketDirectory { get; }

    /// <summary>The server's log file.</summary>
    public string LogFile => Path.Combine(RunDirectory, "postgres.log");

    private string RunDirectory => Path.Combine(Directory, "pgrun");

    /// <summary>
    /// Creates the cluster, starts it and loads the sample data; the database is ready when the task completes.
    /// On failure, everything it created is removed again.
    /// </summary>
    /// <exception cref="GatewayException">
    /// <see cref="GatewayErrors.DemoBinariesMissing"/> (with the package to install), <see cref="GatewayErrors.DemoDirectoryInUse"/>,
    /// or <see cref="GatewayErrors.DemoServerFailed"/> (with the tool's output and the server log's tail).
    /// </exception>
    public static async Task<DemoDatabase> StartAsync(DemoDatabaseOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DemoDatabaseOptions();
        var binDirectory = FindBinDirectory(options.BinDirectory);
        var (directory, createdDirectory) = ResolveDirectory(options);
        var database = new DemoDatabase(binDirectory, directory, ChooseSocketDirectory(directory), IsRoot() ? SuperUser : null, NewPassword());
        if (createdDirectory)
        {
            database._created.Add(directory);
        }

        try
        {
            await database.PrepareAsync(createdDirectory, cancellationToken);
            await database.InitAsync(cancellationToken);
            await database.StartServerAsync(options.Port, cancellationToken);
            await database.LoadAsync(options, cancellationToken);
            return database;
        }
        catch (Exception ex) when (ex is not GatewayException and not OperationCanceledException)
        {
            await database.CleanUpAfterFailureAsync();
            throw new GatewayException(GatewayErrors.DemoServerFailed, $"error {GatewayErrors.DemoServerFailed}: the demo database could not be set up: {ex.Message}{database.LogTail()}", ex);
        }
        catch
        {
            await database.CleanUpAfterFailureAsync();
            throw;
        }
    }

    /// <summary>A connection string for the demo role over TCP (it holds the password: never print it).</summary>
    public string ConnectionString()
    {
        var builder = new DbConnectionStringBuilder
        {
            ["Host"] = Host,
            ["Port"] = Port,
            ["Database"] = Database,
            ["Username"] = User,
            ["Password"] = Password,
            ["SSL Mode"] = "Disable",
        };
        return builder.ConnectionString;
    }

    /// <summary>Stops the server (<c>pg_ctl stop -m fast</c>); its files stay until dispose. Calling it again does nothing.</summary>
    /// <exception cref="GatewayException">The server did not stop (<see cref="GatewayErrors.DemoServerFailed"/>).</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || !File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            return;
        }

        var result = await RunServerToolAsync("pg_ctl", ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], cancellationToken);
        if (!result.Succeeded && File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            Volatile.Write(ref _stopped, 0);
            throw new GatewayException(GatewayErrors.DemoServerFailed, $"error {GatewayErrors.DemoServerFailed}: pg_ctl stop failed (exit code {result.ExitCode}): {result.Output}{LogTail()}");
        }
    }

    /// <summary>Stops the server and removes what <see cref="StartAsync"/> created, and nothing else.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync();
        RemoveCreated();
    }

    private static string NewPassword() =>
        System.Security.Cryptography.RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);

    private async Task CleanUpAfterFailureAsync()
    {
        try
        {
            await DisposeAsync();
        }
        catch (GatewayException)
        {
            // the failure to start is the one to report; a server that will not stop keeps its files
        }
    }
}
