using System.Globalization;
using System.Text;
using Airlock.Audit;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Secrets;
using Airlock.Store;

namespace Airlock.TestSupport.Identity;

/// <summary>
/// A gateway that trusts a <see cref="TestIdentityProvider"/>, for OIDC tests end to end: a throwaway PostgreSQL
/// with a <c>demo</c> database (<c>orders</c> 1 to 10), the test IdP, and a <see cref="GatewayHost"/> with its
/// admin API, configured from a real <c>airlock.yaml</c> (<c>oidc:</c> with the IdP as issuer, audience and
/// device-flow client) in a directory of its own that disposal removes.
/// </summary>
public sealed class OidcGateway : IAsyncDisposable
{
    private OidcGateway(string directory, PostgresCluster cluster, TestIdentityProvider idp)
    {
        Directory = directory;
        Cluster = cluster;
        Idp = idp;
    }

    /// <summary>Where the configuration, its secrets and the SQLite store are.</summary>
    public string Directory { get; }

    public PostgresCluster Cluster { get; }

    public TestIdentityProvider Idp { get; }

    public GatewayHost Host { get; private set; } = null!;

    /// <summary>The admin API's address, without a trailing slash (what <c>--gateway</c> takes).</summary>
    public string AdminAddress => Host.AdminApi!.Address.ToString().TrimEnd('/');

    /// <summary>Starts everything.</summary>
    /// <param name="policyDirectory">The policy bundle (the sample's, in these tests).</param>
    /// <param name="instance">The gateway's instance name.</param>
    /// <param name="extraConfig">More top-level YAML for the configuration (<c>users:</c>, <c>admin:</c>).</param>
    /// <param name="files">Files to write beside the configuration first (a TOTP secret), by relative path.</param>
    public static async Task<OidcGateway> StartAsync(string policyDirectory, string instance, string extraConfig = "", IReadOnlyDictionary<string, string>? files = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("airlock-oidc-").FullName;
        var cluster = await PostgresCluster.StartAsync();
        TestIdentityProvider? idp = null;
        try
        {
            await cluster.CreateDatabaseAsync("demo");
            await cluster.RunPsqlAsync("demo", "CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL); INSERT INTO orders SELECT g, 'paid' FROM generate_series(1, 10) AS g");
            idp = await TestIdentityProvider.StartAsync();
            var gateway = new OidcGateway(directory, cluster, idp);
            var written = new Dictionary<string, string>(files ?? new Dictionary<string, string>(), StringComparer.Ordinal) { ["secrets/upstream-password"] = cluster.Password + "\n" };
            foreach (var (path, text) in written)
            {
                var full = Path.Combine(directory, path);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, text);
            }

            var config = Path.Combine(directory, "airlock.yaml");
            await File.WriteAllTextAsync(config, $$"""
                listen: { postgres: 127.0.0.1:0, http: 127.0.0.1:0 }
                policy: "{{policyDirectory}}"
                store: sqlite:./airlock.db
                instance: {{instance}}
                oidc:
                  issuer: {{idp.Issuer}}
                  audience: {{TestIdentityProvider.Audience}}
                  client_id: {{TestIdentityProvider.Audience}}
                  require_https_metadata: false
                upstreams:
                  demo:
                    host: {{cluster.Host}}
                    port: {{cluster.Port.ToString(CultureInfo.InvariantCulture)}}
                    database: demo
                    user: {{cluster.SuperUser}}
                    password: file:secrets/upstream-password
                    sslmode: disable
                {{extraConfig}}
                """);
            var loaded = GatewayConfigLoader.Load(config, new SecretResolver());
            if (!loaded.Succeeded)
            {
                throw new InvalidOperationException("the test gateway's configuration does not load:\n" + string.Join("\n", loaded.Diagnostics));
            }

            gateway.Host = await GatewayHost.StartAsync(loaded.Config!);
            return gateway;
        }
        catch
        {
            if (idp is not null)
            {
                await idp.DisposeAsync();
            }

            await cluster.DisposeAsync();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
    }

    /// <summary>psql through the gateway to <c>demo</c>, the password in its environment only.</summary>
    public Task<ProcessResult> PsqlAsync(string user, string password, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", Host.Postgres.Endpoint.Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PGPASSWORD"] = password, ["PGSSLMODE"] = "disable", ["PGCONNECT_TIMEOUT"] = "15" });

    /// <summary>An Npgsql connection string through the gateway to <c>demo</c> (no pooling: one connection is one session).</summary>
    public string ConnectionString(string user, string password) =>
        $"Host=127.0.0.1;Port={Host.Postgres.Endpoint.Port};Username={user};Password={password};Database=demo;SSL Mode=Disable;Pooling=false;Timeout=15";

    /// <summary>Every event of the trail, queued ones written first, with the stored body as it is (to search it for planted secrets).</summary>
    public async Task<IReadOnlyList<(AuditEvent Event, string Body)>> AuditAsync()
    {
        await Host.Audit.CheckpointAsync();
        var events = new List<(AuditEvent, string)>();
        await foreach (var row in Host.Store.Audit.ReadAsync(AuditQuery.All))
        {
            events.Add((AuditEventJson.Deserialize(row.Body).Event, Encoding.UTF8.GetString(row.Body)));
        }

        return events;
    }

    /// <summary>The SQLite store's files as text, to search them for planted secrets.</summary>
    public string StoreText() =>
        string.Concat(System.IO.Directory.EnumerateFiles(Directory, "airlock.db*").Select(f => Encoding.UTF8.GetString(File.ReadAllBytes(f))));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Idp.DisposeAsync();
        await Cluster.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
