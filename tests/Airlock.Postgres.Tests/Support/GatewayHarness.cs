using Airlock.Audit;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Postgres.Proxy;
using Airlock.Postgres.Upstream;
using Airlock.Store;
using Airlock.TestSupport;

namespace Airlock.Postgres.Tests.Support;

/// <summary>
/// The whole PostgreSQL path, for real: a throwaway PostgreSQL with sample PII, the sample policy bundle,
/// an SQLite store with a signed audit trail, and the gateway listening on a free port. A subclass may
/// bring its own small policy bundle instead of the sample one (<see cref="BenchGatewayHarness"/>).
/// </summary>
public class GatewayHarness : IAsyncLifetime
{
    public const string AliceToken = "alice-token-0123456789";
    public const string BobToken = "bob-token-0123456789";
    public const string DaveToken = "dave-token-0123456789";

    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-gw-").FullName;
    private readonly IReadOnlyDictionary<string, string>? _policyFiles;

    /// <summary>The gateway with the sample policy bundle (samples/policies).</summary>
    public GatewayHarness()
    {
    }

    /// <summary>The gateway with a bundle of its own: file path in the bundle → YAML text.</summary>
    protected GatewayHarness(IReadOnlyDictionary<string, string> policyFiles)
    {
        _policyFiles = policyFiles;
    }

    public PostgresCluster Cluster { get; private set; } = null!;

    public PolicySnapshot Policy { get; private set; } = null!;

    public IAirlockStore Store { get; private set; } = null!;

    public AuditSigningKey Key { get; } = AuditSigningKey.Generate();

    public AuditTrail Audit { get; private set; } = null!;

    public SessionRegistry Sessions { get; private set; } = null!;

    public PgGatewayListener Listener { get; private set; } = null!;

    private PgGatewayServices Services { get; set; } = null!;

    /// <summary>The gateway's approval requests: tests approve as an approver would through the CLI.</summary>
    public ActionApprovals Approvals => Services.Approvals!;

    public int Port => Listener.Endpoint.Port;

    public virtual async Task InitializeAsync()
    {
        Cluster = await PostgresCluster.StartAsync();
        await Cluster.CreateDatabaseAsync("demo");
        await Cluster.RunPsqlAsync("demo", SampleData.Schema);

        var loaded = BundleLoader.Load(WritePolicyBundle() ?? Path.Combine(RepositoryRoot(), "samples", "policies"));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        Policy = SnapshotCompiler.Compile(loaded.Bundle!);
        var masking = new MaskingEngine(MaskingProfile.Default() with { Strategies = loaded.Bundle!.Masking.Entities });

        Store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(Path.Combine(_directory, "airlock.db")) });
        Audit = new AuditTrail(Store, Key);
        var time = TimeProvider.System;
        Sessions = new SessionRegistry("test", Store, Audit, () => Policy, time);
        Services = new PgGatewayServices
        {
            Policy = () => Policy,
            Masking = () => masking,
            Gate = new StatementGate(() => Policy, time),
            Sessions = Sessions,
            Audit = Audit,
            Authenticator = new StaticTokens(new Dictionary<string, string> { ["alice"] = AliceToken, ["bob"] = BobToken, ["dave"] = DaveToken }),
            ResolveUpstream = resource => resource == "demo" ? new UpstreamTarget(Cluster.Host, Cluster.Port, "demo", Cluster.SuperUser, Cluster.Password, "disable") : null,
            Approvals = new ActionApprovals(Store, Audit, () => Policy, () => masking, time),
        };
        Listener = new PgGatewayListener(Services, ConfigureGateway(new PgGatewayOptions { Listen = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0) }));
        Listener.Start();
    }

    /// <summary>The gateway's options: a subclass may change them (a short login timeout, a TLS certificate); keep Listen.</summary>
    protected virtual PgGatewayOptions ConfigureGateway(PgGatewayOptions options) => options;

    public string ConnectionString(string user = "alice", string token = AliceToken, string database = "demo") =>
        $"Host=127.0.0.1;Port={Port};Username={user};Password={token};Database={database};SSL Mode=Disable;Pooling=false;Timeout=15;Command Timeout=30";

    /// <summary>Runs psql through the gateway; returns exit code, stdout and stderr.</summary>
    public Task<ProcessResult> PsqlAsync(string sql, string user = "alice", string token = AliceToken, params string[] extra) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-v", "ON_ERROR_STOP=1", .. extra, "-c", sql],
            new Dictionary<string, string> { ["PGPASSWORD"] = token, ["PGSSLMODE"] = "disable", ["PGCONNECT_TIMEOUT"] = "10" });

    /// <summary>libpq's environment for connecting through the gateway, for psql, pgbench and other libpq clients.</summary>
    public IDictionary<string, string> LibpqEnvironment(string user = "alice", string token = AliceToken, string database = "demo") => new Dictionary<string, string>
    {
        ["PGHOST"] = "127.0.0.1",
        ["PGPORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["PGUSER"] = user,
        ["PGPASSWORD"] = token,
        ["PGDATABASE"] = database,
        ["PGSSLMODE"] = "disable",
        ["PGCONNECT_TIMEOUT"] = "10",
        ["PGAPPNAME"] = "airlock-tests",
    };

    public async Task<IReadOnlyList<StoredAuditEvent>> AuditEventsAsync()
    {
        // Outcomes are queued when the client is answered and written a moment later (AppendLater): write them now.
        await Audit.CheckpointAsync();
        var events = new List<StoredAuditEvent>();
        await foreach (var row in Store.Audit.ReadAsync(AuditQuery.All))
        {
            events.Add(AuditEventJson.Deserialize(row.Body));
        }

        return events;
    }

    public async Task DisposeAsync()
    {
        await Listener.DisposeAsync();
        await Sessions.DisposeAsync();
        await Audit.DisposeAsync();
        await Services.DisposeAsync();
        await Store.DisposeAsync();
        await Cluster.DisposeAsync();
        Key.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Airlock.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("the repository root (Airlock.slnx) was not found above " + AppContext.BaseDirectory);
    }

    private string? WritePolicyBundle()
    {
        if (_policyFiles is null)
        {
            return null;
        }

        var bundle = Path.Combine(_directory, "policies");
        foreach (var (relative, text) in _policyFiles)
        {
            var path = Path.Combine(bundle, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }

        return bundle;
    }
}
