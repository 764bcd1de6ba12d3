using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Gateway.Hosting;
using Airlock.Store;
using Airlock.TestSupport;
using Npgsql;

namespace Airlock.Gateway.Tests.Hosting;

/// <summary>The demo scenario of the issue, as a new user runs it: psql as alice against `airlock demo`, then the admin API.</summary>
public sealed class DemoScenarioTests(DemoFixture fixture) : IClassFixture<DemoFixture>
{
    private DemoEnvironment Demo => fixture.Demo;

    [Fact]
    public async Task Demo_json_says_how_to_connect()
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Demo.DemoJsonPath));
        var root = json.RootElement;
        Assert.Equal(Demo.GatewayPort, root.GetProperty("gateway_port").GetInt32());
        Assert.Equal(Demo.HttpPort, root.GetProperty("http_port").GetInt32());
        Assert.Equal("demo", root.GetProperty("database").GetString());
        Assert.Equal(Demo.Tokens["alice"], root.GetProperty("users").GetProperty("alice").GetProperty("token").GetString());
        Assert.Equal(Demo.Tokens["bob"], root.GetProperty("users").GetProperty("bob").GetProperty("token").GetString());
        var upstream = root.GetProperty("upstream");
        Assert.Equal(Demo.Database.Port, upstream.GetProperty("port").GetInt32());
        Assert.Equal("airlock_demo", upstream.GetProperty("user").GetString());

        // The config the gateway runs with keeps only token hashes.
        var config = await File.ReadAllTextAsync(Path.Combine(Demo.Directory, "airlock.yaml"));
        Assert.DoesNotContain(Demo.Tokens["alice"], config, StringComparison.Ordinal);
        Assert.Contains("psql \"host=127.0.0.1 port=" + Demo.GatewayPort.ToString(CultureInfo.InvariantCulture), Demo.Instructions(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alice_gets_masked_values_a_held_delete_and_a_denied_drop()
    {
        var select = await PsqlAsync("alice", "SELECT email, card_number FROM customers LIMIT 5");
        Assert.True(select.ExitCode == 0, select.StandardError);
        var lines = select.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        foreach (var line in lines)
        {
            var (email, card) = (line.Split('|')[0], line.Split('|')[1]);
            Assert.DoesNotContain("@", email, StringComparison.Ordinal);
            Assert.Matches("^\\*{12}[0-9]{4}$", card);
        }

        var delete = await PsqlAsync("alice", "DELETE FROM orders WHERE id = 1");
        Assert.Contains("approval required by policy rule prod-writes-need-review", delete.StandardError, StringComparison.Ordinal);

        var drop = await PsqlAsync("alice", "DROP TABLE orders");
        Assert.Contains("Schema changes go through migrations, not the gateway.", drop.StandardError, StringComparison.Ordinal);

        await using var direct = new NpgsqlConnection(Demo.Database.ConnectionString());
        await direct.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM orders WHERE id = 1", direct);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task An_admin_lists_and_kills_a_session_and_the_client_gets_FATAL_57P01()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("alice"));
        await connection.OpenAsync();
        await using (var warm = new NpgsqlCommand("SELECT 1", connection))
        {
            await warm.ExecuteScalarAsync();
        }

        using var http = Admin();
        var sessions = JsonDocument.Parse(await http.GetStringAsync(new Uri("v1/sessions", UriKind.Relative))).RootElement;
        var mine = sessions.EnumerateArray().Single(s => s.GetProperty("user").GetString() == "alice" && s.GetProperty("statements").ValueKind == JsonValueKind.Number);
        var id = mine.GetProperty("id").GetString()!;

        using var kill = await http.DeleteAsync(new Uri("v1/sessions/" + id, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);

        await using var after = new NpgsqlCommand("SELECT 1", connection);
        var error = await Assert.ThrowsAnyAsync<Exception>(() => after.ExecuteScalarAsync());
        var postgres = error as PostgresException ?? error.InnerException as PostgresException;
        Assert.True(postgres is not null, error.ToString());
        Assert.Equal("57P01", postgres.SqlState);
        Assert.Contains("ended by admin demo-admin", postgres.MessageText, StringComparison.Ordinal);

        // The session's records close as its connection winds down; then it is gone from the list, and a second kill finds nothing.
        for (var i = 0; i < 100 && (await http.GetStringAsync(new Uri("v1/sessions", UriKind.Relative))).Contains(id, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
        }

        Assert.DoesNotContain(id, await http.GetStringAsync(new Uri("v1/sessions", UriKind.Relative)), StringComparison.Ordinal);
        using var missing = await http.DeleteAsync(new Uri("v1/sessions/" + id, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Clients_can_use_tls_with_the_demos_self_signed_certificate()
    {
        await using var connection = new NpgsqlConnection(ConnectionString("alice").Replace("SSL Mode=Disable", "SSL Mode=Require", StringComparison.Ordinal));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT email FROM customers LIMIT 1", connection);
        Assert.DoesNotContain("@", (string?)await command.ExecuteScalarAsync() ?? "@", StringComparison.Ordinal);

        var psql = await ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", Demo.GatewayPort.ToString(CultureInfo.InvariantCulture), "-U", "alice", "-d", "demo", "-c", "SELECT 1"],
            new Dictionary<string, string> { ["PGPASSWORD"] = Demo.Tokens["alice"], ["PGSSLMODE"] = "require" });
        Assert.True(psql.ExitCode == 0, psql.StandardError);
    }

    [Fact]
    public async Task The_admin_api_needs_a_token_and_reports_health_and_policy()
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Demo.HttpPort}/") };
        using var refused = await anonymous.GetAsync(new Uri("v1/sessions", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var health = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("health", UriKind.Relative))).RootElement;
        Assert.Equal("ok", health.GetProperty("status").GetString());

        using var http = Admin();
        var policy = JsonDocument.Parse(await http.GetStringAsync(new Uri("v1/policy", UriKind.Relative))).RootElement;
        Assert.StartsWith("sha256:", policy.GetProperty("revision").GetString(), StringComparison.Ordinal);
        using var reload = await http.PostAsync(new Uri("v1/policy/reload", UriKind.Relative), content: null);
        Assert.Equal("unchanged", JsonDocument.Parse(await reload.Content.ReadAsStringAsync()).RootElement.GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_trail_records_the_scenario_and_verifies_with_the_demos_public_key()
    {
        var marker = await PsqlAsync("alice", "SELECT count(*) FROM orders WHERE status = 'paid'");
        Assert.True(marker.ExitCode == 0, marker.StandardError);
        await Demo.Gateway.Audit.CheckpointAsync();

        await using var store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(Path.Combine(Demo.Directory, "airlock.db")), ReadOnly = true });
        using var key = AuditVerifyingKey.Load(Path.Combine(Demo.Directory, "audit-public-key.pem"));
        var result = await AuditVerifier.VerifyAsync(store.Audit, [key]);
        Assert.True(result.Ok, result.Problem?.ToString());
        Assert.True(result.LastSignedSeq > 0);

        var kinds = new List<string>();
        await foreach (var row in store.Audit.ReadAsync(AuditQuery.All))
        {
            kinds.Add(row.Kind);
        }

        Assert.Contains(AuditEventKinds.PolicyLoaded, kinds);
        Assert.Contains(AuditEventKinds.SessionStart, kinds);
        Assert.Contains(AuditEventKinds.ActionIntent, kinds);

        // No token, password or raw PII in the store's files.
        var bytes = string.Concat(Directory.EnumerateFiles(Demo.Directory, "airlock.db*").Select(f => System.Text.Encoding.UTF8.GetString(File.ReadAllBytes(f))));
        Assert.DoesNotContain(Demo.Tokens["alice"], bytes, StringComparison.Ordinal);
        Assert.DoesNotContain(Demo.Database.Password, bytes, StringComparison.Ordinal);
    }

    private HttpClient Admin()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Demo.HttpPort}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Demo.AdminToken);
        return http;
    }

    private string ConnectionString(string user) =>
        $"Host=127.0.0.1;Port={Demo.GatewayPort};Username={user};Password={Demo.Tokens[user]};Database=demo;SSL Mode=Disable;Pooling=false;Timeout=15";

    private Task<ProcessResult> PsqlAsync(string user, string sql) =>
        ProcessRunner.RunAsync(
            Path.Combine(PostgresCluster.DefaultBinDirectory, "psql"),
            ["-X", "-At", "-h", "127.0.0.1", "-p", Demo.GatewayPort.ToString(CultureInfo.InvariantCulture), "-U", user, "-d", "demo", "-c", sql],
            new Dictionary<string, string> { ["PGPASSWORD"] = Demo.Tokens[user], ["PGSSLMODE"] = "disable" });
}
