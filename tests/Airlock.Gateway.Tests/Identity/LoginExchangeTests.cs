using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;
using Airlock.Store;
using Airlock.TestSupport;
using Airlock.TestSupport.Identity;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>
/// The gateway's side of <c>airlock login</c> (<c>POST /v1/login</c>) against a real test IdP: a good IdP
/// token becomes an Airlock session token that psql logs in with; every kind of bad token the issue names is
/// refused with its own id on the wire and an <c>auth.failed</c> event carrying that id, never the token.
/// </summary>
public sealed class LoginExchangeTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private readonly HttpClient _http = new();
    private PostgresCluster _cluster = null!;
    private TestIdentityProvider _idp = null!;
    private GatewayHost _host = null!;

    public static TheoryData<string, string> BadTokens => new()
    {
        { "alg none", GatewayErrors.TokenAlgorithmNotAllowed },
        { "HS256 keyed with the public key", GatewayErrors.TokenAlgorithmNotAllowed },
        { "unknown kid", GatewayErrors.TokenKeyUnknown },
        { "expired", GatewayErrors.TokenExpired },
        { "not yet valid", GatewayErrors.TokenNotYetValid },
        { "wrong issuer", GatewayErrors.TokenIssuerInvalid },
        { "wrong audience", GatewayErrors.TokenAudienceInvalid },
        { "tampered payload", GatewayErrors.TokenSignatureInvalid },
    };

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        await _cluster.CreateDatabaseAsync("demo");
        await _cluster.RunPsqlAsync("demo", "CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL); INSERT INTO orders SELECT g, 'paid' FROM generate_series(1, 10) AS g");
        _idp = await TestIdentityProvider.StartAsync();
        _dir.Write("secrets/upstream-password", _cluster.Password + "\n");
        var path = _dir.Write("airlock.yaml", $"""
            listen: {"{"} postgres: 127.0.0.1:0, http: 127.0.0.1:0 {"}"}
            policy: "{RepoPaths.SamplePolicies}"
            store: sqlite:./airlock.db
            instance: gw-exchange
            oidc:
              issuer: {_idp.Issuer}
              audience: {TestIdentityProvider.Audience}
              client_id: {TestIdentityProvider.Audience}
              require_https_metadata: false
            upstreams:
              demo:
                host: {_cluster.Host}
                port: {_cluster.Port.ToString(CultureInfo.InvariantCulture)}
                database: demo
                user: {_cluster.SuperUser}
                password: file:secrets/upstream-password
                sslmode: disable
            """);
        var loaded = GatewayConfigLoader.Load(path, new SecretResolver());
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Diagnostics));
        _host = await GatewayHost.StartAsync(loaded.Config!);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        await _idp.DisposeAsync();
        await _cluster.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task An_idp_token_becomes_a_session_token_that_psql_logs_in_with_and_the_idp_groups_drive_policy()
    {
        var setup = await _http.GetStringAsync(new Uri(_host.AdminApi!.Address, "/v1/login"));
        Assert.Contains(_idp.Issuer, setup, StringComparison.Ordinal);

        var idpToken = _idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "otp" } });
        var (status, body) = await ExchangeAsync(idpToken);
        Assert.Equal(HttpStatusCode.OK, status);
        using var answer = JsonDocument.Parse(body);
        var token = answer.RootElement.GetProperty("token").GetString()!;
        Assert.Contains("approvers", answer.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(_host.Postgres.Endpoint.Port, answer.RootElement.GetProperty("postgres_port").GetInt32());

        // psql with the session token: dave reads production as an approver with MFA (from the IdP, kept by the token).
        var read = await PsqlAsync("dave", token, "SELECT count(*) FROM orders");
        Assert.True(read.ExitCode == 0, read.StandardError);
        Assert.Equal("10", read.StandardOutput.Trim());

        // Without the IdP group he is support only: nothing on production.
        var (_, plainBody) = await ExchangeAsync(_idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["amr"] = new[] { "otp" } }));
        using var plain = JsonDocument.Parse(plainBody);
        var refused = await PsqlAsync("dave", plain.RootElement.GetProperty("token").GetString()!, "SELECT count(*) FROM orders");
        Assert.Contains("AL0901", refused.StandardError, StringComparison.Ordinal);

        // Nobody else's name: the session token logs in only as dave.
        Assert.Contains("password authentication failed", (await PsqlAsync("alice", token, "SELECT 1")).StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_idp_token_is_refused_with_its_id_and_audited_without_the_token(string kind, string errorId)
    {
        var now = DateTime.UtcNow;
        var token = kind switch
        {
            "alg none" => _idp.AlgNoneToken(),
            "HS256 keyed with the public key" => _idp.Hs256WithPublicKeyToken(),
            "unknown kid" => _idp.Mint(key: _idp.NewKey()),
            "expired" => _idp.Mint(notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "not yet valid" => _idp.Mint(notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "wrong issuer" => _idp.Mint(issuer: "https://evil.example.com"),
            "wrong audience" => _idp.Mint(audience: "someone-else"),
            "tampered payload" => TestIdentityProvider.Tamper(_idp.Mint(), user: "bob"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        var (status, body) = await ExchangeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(errorId, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.Empty(await _host.Store.LoginTokens.ListAsync());

        await _host.Audit.CheckpointAsync();
        var failures = new List<AuditEvent>();
        await foreach (var row in _host.Store.Audit.ReadAsync(AuditQuery.All))
        {
            Assert.DoesNotContain(token, System.Text.Encoding.UTF8.GetString(row.Body), StringComparison.Ordinal);
            if (row.Kind == AuditEventKinds.AuthFailed)
            {
                failures.Add(AuditEventJson.Deserialize(row.Body).Event);
            }
        }

        Assert.Contains(failures, e => e.ErrorCode == errorId);
    }

    private async Task<(HttpStatusCode Status, string Body)> ExchangeAsync(string idpToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_host.AdminApi!.Address, "/v1/login"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", idpToken);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<ProcessResult> PsqlAsync(string user, string token, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", _host.Postgres.Endpoint.Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PGPASSWORD"] = token, ["PGSSLMODE"] = "disable", ["PGCONNECT_TIMEOUT"] = "15" });
}
