using System.Globalization;
using Airlock.Audit;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Secrets;
using Airlock.Gateway.Tests.Support;
using Airlock.Store;
using Airlock.TestSupport;
using Airlock.TestSupport.Identity;
using Npgsql;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>
/// psql logs in through the gateway with a token of a real (test) OIDC issuer as its password, and the IdP's
/// groups drive policy: dave is in support by policy, but the IdP puts him in sre-leads, which the sample
/// policy maps to approvers; with an MFA amr he reads production, without it he is told to step up.
/// </summary>
public sealed class OidcLoginTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private PostgresCluster _cluster = null!;
    private TestIdentityProvider _idp = null!;
    private GatewayHost _host = null!;

    public async Task InitializeAsync()
    {
        _cluster = await PostgresCluster.StartAsync();
        await _cluster.CreateDatabaseAsync("demo");
        await _cluster.RunPsqlAsync("demo", "CREATE TABLE orders (id integer PRIMARY KEY, status text NOT NULL); INSERT INTO orders SELECT g, 'paid' FROM generate_series(1, 10) AS g");
        _idp = await TestIdentityProvider.StartAsync();
        _dir.Write("secrets/upstream-password", _cluster.Password + "\n");
        var path = _dir.Write("airlock.yaml", $"""
            listen: {"{"} postgres: 127.0.0.1:0 {"}"}
            policy: "{RepoPaths.SamplePolicies}"
            store: sqlite:./airlock.db
            instance: gw-oidc
            oidc:
              issuer: {_idp.Issuer}
              audience: {TestIdentityProvider.Audience}
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
        await _host.DisposeAsync();
        await _idp.DisposeAsync();
        await _cluster.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Psql_logs_in_with_an_idp_token_and_the_idp_groups_and_mfa_drive_policy()
    {
        var withMfa = _idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "pwd", "otp" } });
        var read = await PsqlAsync("dave", withMfa, "SELECT count(*) FROM orders");
        Assert.True(read.ExitCode == 0, read.StandardError);
        Assert.Equal("10", read.StandardOutput.Trim());

        // Without MFA in the token, the approvers' rule does not hold, and dave is told how to step up.
        var withoutMfa = _idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "pwd" } });
        var refused = await PsqlAsync("dave", withoutMfa, "SELECT count(*) FROM orders");
        Assert.Contains("AL0909", refused.StandardError, StringComparison.Ordinal);

        // Without the IdP group, dave is support only: nothing on production.
        var noGroup = _idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["amr"] = new[] { "otp" } });
        Assert.Contains("AL0901", (await PsqlAsync("dave", noGroup, "SELECT count(*) FROM orders")).StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_token_or_another_users_token_fails_the_login_and_is_audited_with_its_reason()
    {
        var forged = TestIdentityProvider.Tamper(_idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave" }), user: "dave");
        var result = await PsqlAsync("dave", forged, "SELECT 1");
        Assert.Contains("password authentication failed", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, result.StandardError, StringComparison.Ordinal);

        var alices = _idp.Mint();
        Assert.Contains("password authentication failed", (await PsqlAsync("dave", alices, "SELECT 1")).StandardError, StringComparison.Ordinal);

        await _host.Audit.CheckpointAsync();
        var failures = new List<AuditEvent>();
        await foreach (var row in _host.Store.Audit.ReadAsync(AuditQuery.All))
        {
            if (row.Kind == AuditEventKinds.AuthFailed)
            {
                failures.Add(AuditEventJson.Deserialize(row.Body).Event);
            }
        }

        Assert.Contains(failures, e => e.ErrorCode == "AL0841");
        Assert.DoesNotContain(failures, e => (e.Error ?? string.Empty).Contains(forged, StringComparison.Ordinal));
    }

    private Task<ProcessResult> PsqlAsync(string user, string token, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", _host.Postgres.Endpoint.Port.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PGPASSWORD"] = token, ["PGSSLMODE"] = "disable", ["PGCONNECT_TIMEOUT"] = "15" });
}
