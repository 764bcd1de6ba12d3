using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;
using Airlock.TestSupport;
using Npgsql;

namespace Airlock.Gateway.Tests.Hosting;

/// <summary>
/// Two gateway instances, <c>gw-a</c> and <c>gw-b</c>, sharing one PostgreSQL store, as several <c>airlock serve</c>
/// processes behind a load balancer run:
/// <code>
///  one throwaway PostgreSQL 15 ─┬─ database demo     (table orders): the upstream of the sample `demo` resource
///                               └─ database airlock  the store both instances use (store: env:NAME)
///  gw-a, gw-b: own config file, instance name and free ports; same sample policy and users (alice, bob)
/// </code>
/// The store's location holds the superuser's password, so it reaches the config loader only through the
/// resolver's environment lookup (a dictionary here), as <c>store: env:AIRLOCK_TEST_STORE</c>.
/// </summary>
public sealed class SharedStoreGateways : IAsyncLifetime
{
    public const string StoreVariable = "AIRLOCK_TEST_STORE";

    private readonly TempDirectory _dir = new("airlock-shared-store-");
    private readonly Dictionary<string, GatewayHost> _hosts = new(StringComparer.Ordinal);

    public PostgresCluster Cluster { get; private set; } = null!;

    /// <summary>The users' Airlock tokens (psql's password, Basic credentials of the API); the configs keep only hashes.</summary>
    public IReadOnlyDictionary<string, string> Tokens { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alice"] = NewToken(),
        ["bob"] = NewToken(),
    };

    /// <summary>bob's TOTP secret (base32): the sample policy wants approvers' MFA within 15m when they decide.</summary>
    public string BobTotpSecret { get; } = Airlock.Pipeline.Totp.ToBase32(RandomNumberGenerator.GetBytes(20));

    public GatewayHost this[string instance] => _hosts[instance];

    public async Task InitializeAsync()
    {
        Cluster = await PostgresCluster.StartAsync();
        await Cluster.CreateDatabaseAsync("demo");
        await Cluster.CreateDatabaseAsync("airlock");
        await using (var demo = new NpgsqlConnection(Cluster.ConnectionString("demo") + ";Pooling=false"))
        {
            await demo.OpenAsync();
            await using var create = new NpgsqlCommand(
                "CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL); INSERT INTO orders SELECT g, 'paid' FROM generate_series(1, 10) AS g",
                demo);
            await create.ExecuteNonQueryAsync();
        }

        _dir.Write("secrets/upstream-password", Cluster.Password + "\n");
        _dir.Write("secrets/bob-totp", BobTotpSecret + "\n");
        await StartAsync("gw-a");
        await StartAsync("gw-b");
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        _hosts.Clear();
        await Cluster.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>Stops an instance and starts it again on the same store (new free ports).</summary>
    public async Task<GatewayHost> RestartAsync(string instance)
    {
        if (_hosts.Remove(instance, out var old))
        {
            await old.DisposeAsync();
            Assert.Empty(old.StopFaults);
        }

        return await StartAsync(instance);
    }

    /// <summary>Runs one statement with real psql (simple protocol) through an instance's PostgreSQL listener.</summary>
    public Task<ProcessResult> PsqlAsync(string instance, string user, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", this[instance].Postgres.Endpoint.Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PGPASSWORD"] = Tokens[user], ["PGSSLMODE"] = "disable", ["PGCONNECT_TIMEOUT"] = "15" });

    /// <summary>An Npgsql connection string to an instance's listener as a user (no pooling: one connection is one session).</summary>
    public string ConnectionString(string instance, string user) =>
        $"Host=127.0.0.1;Port={this[instance].Postgres.Endpoint.Port};Username={user};Password={Tokens[user]};Database=demo;SSL Mode=Disable;Pooling=false;Timeout=15";

    /// <summary>An HTTP client to an instance's admin API as a user (Basic user:token).</summary>
    public HttpClient Api(string instance, string user)
    {
        var address = this[instance].AdminApi?.Address ?? throw new InvalidOperationException($"{instance} has no HTTP listener");
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{address.Port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Tokens[user]}")));
        return http;
    }

    /// <summary>
    /// bob steps up with this 30-second step's TOTP code through an instance's admin API (<c>airlock mfa</c>),
    /// so that his votes count. A code counts once: if an earlier test used it, he stepped up moments ago.
    /// </summary>
    public async Task StepUpBobAsync(string instance)
    {
        using var bob = Api(instance, "bob");
        var code = Airlock.Pipeline.Totp.Compute(Airlock.Pipeline.Totp.FromBase32(BobTotpSecret), Airlock.Pipeline.Totp.StepAt(DateTimeOffset.UtcNow));
        using var stepUp = await bob.PostAsJsonAsync(new Uri("v1/mfa", UriKind.Relative), new { code });
        var body = await stepUp.Content.ReadAsStringAsync();
        Assert.True(stepUp.IsSuccessStatusCode || body.Contains("used already", StringComparison.Ordinal), body);
    }

    /// <summary>Counts an order straight in the upstream, past the gateways.</summary>
    public async Task<long> CountOrdersAsync(int id)
    {
        await using var direct = new NpgsqlConnection(Cluster.ConnectionString("demo") + ";Pooling=false");
        await direct.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orders WHERE id = $1", direct) { Parameters = { new() { Value = id } } };
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private async Task<GatewayHost> StartAsync(string instance)
    {
        var path = _dir.Write(instance + ".yaml", $"""
            listen:
              postgres: 127.0.0.1:0
              http: 127.0.0.1:0
            policy: "{RepoPaths.SamplePolicies}"
            store: env:{StoreVariable}
            instance: {instance}
            users:
              alice: {"{"} token_sha256: {Sha256(Tokens["alice"])} {"}"}
              bob: {"{"} token_sha256: {Sha256(Tokens["bob"])}, totp: file:secrets/bob-totp {"}"}
            upstreams:
              demo:
                host: {Cluster.Host}
                port: {Cluster.Port.ToString(CultureInfo.InvariantCulture)}
                database: demo
                user: {Cluster.SuperUser}
                password: file:secrets/upstream-password
                sslmode: disable
            """);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { [StoreVariable] = "postgres:" + Cluster.ConnectionString("airlock") };
        var loaded = GatewayConfigLoader.Load(path, new SecretResolver(name => environment.GetValueOrDefault(name)));
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        var host = await GatewayHost.StartAsync(loaded.Config!);
        _hosts[instance] = host;
        return host;
    }

    private static string NewToken() => "alk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
