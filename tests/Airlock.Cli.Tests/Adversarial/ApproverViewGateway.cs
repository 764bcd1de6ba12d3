using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Airlock.Audit;
using Airlock.Cli.Tests.Support;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Demo;
using Airlock.Gateway.Hosting;
using Airlock.Pipeline;
using Airlock.Store;
using Airlock.TestSupport;
using Npgsql;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// The demo database (sample customers and orders) behind a gateway run as <c>airlock serve</c> runs it, with
/// the sample policy and four people: alice and carol (engineers: writes wait for review), bob (approver, TOTP),
/// dave (support). The admin API is up, with an admin token; the store is SQLite in a private directory.
/// </summary>
public sealed class ApproverViewGateway : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-classh-").FullName;

    // Apart from the store's private directory: as root, the server runs as postgres, who must pass through it.
    private readonly string _database = Directory.CreateTempSubdirectory("airlock-classh-pg-").FullName;

    public DemoDatabase Database { get; private set; } = null!;

    public GatewayHost Host { get; private set; } = null!;

    public IReadOnlyDictionary<string, string> Tokens { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alice"] = NewToken(),
        ["bob"] = NewToken(),
        ["carol"] = NewToken(),
        ["dave"] = NewToken(),
    };

    public string AdminToken { get; } = NewToken();

    public string BobTotp { get; } = Totp.ToBase32(RandomNumberGenerator.GetBytes(20));

    public string Gateway => $"http://127.0.0.1:{Host.AdminApi!.Address.Port}";

    public string StorePath => Path.Combine(_directory, "airlock.db");

    public async Task InitializeAsync()
    {
        Database = await DemoDatabase.StartAsync(new DemoDatabaseOptions { Directory = _database });
        Directory.CreateDirectory(Path.Combine(_directory, "secrets"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "secrets", "upstream"), Database.Password);
        await File.WriteAllTextAsync(Path.Combine(_directory, "secrets", "bob-totp"), BobTotp);
        var users = string.Join("\n", Tokens.Select(t => $"  {t.Key}:\n    token_sha256: {Sha256(t.Value)}" + (t.Key == "bob" ? "\n    totp: file:./secrets/bob-totp" : string.Empty)));
        var config = Path.Combine(_directory, "airlock.yaml");
        await File.WriteAllTextAsync(config, $"""
            listen:
              postgres: 127.0.0.1:0
              http: 127.0.0.1:0
            policy: "{CliRunner.Samples}"
            store: sqlite:./airlock.db
            instance: classh
            users:
            {users}
            admin:
              tokens:
                - name: ops
                  token_sha256: {Sha256(AdminToken)}
            upstreams:
              demo:
                host: {Database.Host}
                port: {Database.Port.ToString(CultureInfo.InvariantCulture)}
                database: {Database.Database}
                user: {Database.User}
                password: file:./secrets/upstream
                sslmode: disable
            """);
        var loaded = GatewayConfigLoader.Load(config);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        Host = await GatewayHost.StartAsync(loaded.Config!);
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_database, recursive: true);
    }

    /// <summary>Real psql through the gateway, as a person at a terminal (stdout and stderr).</summary>
    public Task<ProcessResult> PsqlAsync(string user, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(Database.BinDirectory, "psql"),
            ["-X", "-h", "127.0.0.1", "-p", Host.Postgres.Endpoint.Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PGPASSWORD"] = Tokens[user], ["PGSSLMODE"] = "disable", ["PGCONNECT_TIMEOUT"] = "15" });

    public string ConnectionString(string user) =>
        $"Host=127.0.0.1;Port={Host.Postgres.Endpoint.Port};Username={user};Password={Tokens[user]};Database=demo;SSL Mode=Disable;Pooling=false;Timeout=15";

    /// <summary>The airlock CLI as a person runs it, with their own token in a file.</summary>
    internal CliResult Cli(string user, params string[] args)
    {
        var tokenFile = Path.Combine(_directory, user + ".token");
        File.WriteAllText(tokenFile, Tokens[user]);
        return CliRunner.Run([.. args, "--gateway", Gateway, "--user", user, "--token-file", tokenFile]);
    }

    /// <summary>The admin API as a person (Basic user:token), or with the admin token when <paramref name="user"/> is null.</summary>
    public HttpClient Api(string? user)
    {
        var http = new HttpClient { BaseAddress = new Uri(Gateway + "/") };
        http.DefaultRequestHeaders.Authorization = user is null
            ? new AuthenticationHeaderValue("Bearer", AdminToken)
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Tokens[user]}")));
        return http;
    }

    /// <summary>bob proves MFA with this step's code (the sample policy's approvers decide with MFA from the last 15 minutes).</summary>
    public async Task StepUpBobAsync()
    {
        using var bob = Api("bob");
        var code = Totp.Compute(Totp.FromBase32(BobTotp), Totp.StepAt(DateTimeOffset.UtcNow));
        using var stepUp = await bob.PostAsJsonAsync(new Uri("v1/mfa", UriKind.Relative), new { code });
        var body = await stepUp.Content.ReadAsStringAsync();
        Assert.True(stepUp.IsSuccessStatusCode || body.Contains("used already", StringComparison.Ordinal), body);
    }

    /// <summary>Every order's id and status, read past the gateway: equal before and after means nothing was written.</summary>
    public async Task<string> OrdersFingerprintAsync()
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT md5(string_agg(id || ':' || status, ',' ORDER BY id)) FROM orders", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    public async Task<string> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    /// <summary>Every stored audit event body, as one text.</summary>
    public async Task<string> AuditTextAsync()
    {
        await Host.Audit.CheckpointAsync();
        var text = new StringBuilder();
        await foreach (var row in Host.Store.Audit.ReadAsync(AuditQuery.All))
        {
            text.AppendLine(Encoding.UTF8.GetString(row.Body));
        }

        return text.ToString();
    }

    private static string NewToken() => "alk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    private static string Sha256(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
