using System.Text.Json;
using Airlock.Audit;
using Airlock.Gateway.Hosting;
using Airlock.Pipeline;
using Airlock.Cli.Tests.Support;
using Airlock.TestSupport;
using Airlock.TestSupport.Identity;
using Npgsql;

namespace Airlock.Cli.Tests.Gateway;

/// <summary>
/// `airlock login` as a new user runs it: a real (test) OIDC issuer with the device flow, a gateway with its
/// admin API, PostgreSQL behind it, and psql. The browser step is the IdP's ApproveDevice with the code the
/// CLI printed. Then `airlock connect` runs psql with the Airlock session token, `--print` gives a command
/// without it, and `airlock logout` revokes it everywhere.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and psql from Debian packages
public sealed class LoginCommandTests : IAsyncLifetime
{
    /// <summary>dave's TOTP secret: the IdP in these tests gives MFA only when a test says so, like an IdP without MFA claims.</summary>
    private static readonly byte[] DaveTotp = "dave-totp-secret-0123"u8.ToArray();

    private OidcGateway _gateway = null!;

    private TestIdentityProvider Idp => _gateway.Idp;

    private GatewayHost Host => _gateway.Host;

    private string Gateway => _gateway.AdminAddress;

    private string ConfigDir => Path.Combine(_gateway.Directory, "home", ".config", "airlock");

    public async Task InitializeAsync()
    {
        _gateway = await OidcGateway.StartAsync(
            CliRunner.Samples,
            "gw-login",
            extraConfig: """
                users:
                  dave: { totp: file:secrets/dave-totp }
                admin:
                  people: { groups: [approvers], mfa: 15m }
                """,
            files: new Dictionary<string, string>(StringComparer.Ordinal) { ["secrets/dave-totp"] = Totp.ToBase32(DaveTotp) + "\n" });
        Idp.PollInterval = 0;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Dave_logs_in_through_the_idp_and_psql_uses_the_session_token_until_he_logs_out()
    {
        var login = await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "pwd", "otp" } });
        Assert.True(login.ExitCode == AirlockCli.Ok, login.Error);
        Assert.Contains("logged in to " + Gateway + " as dave", login.Out, StringComparison.Ordinal);
        Assert.Contains("approvers", login.Out, StringComparison.Ordinal);
        Assert.Contains(Idp.Issuer + "/activate", login.Error, StringComparison.Ordinal);

        // Kept for dave alone, and never printed.
        var file = Path.Combine(ConfigDir, "logins.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(ConfigDir));
        var (token, id, expires) = Stored();
        Assert.StartsWith("als_", token, StringComparison.Ordinal);
        Assert.DoesNotContain(token, login.Out + login.Error, StringComparison.Ordinal);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromHours(7.9), TimeSpan.FromHours(8));

        // airlock connect runs psql with it; the IdP groups and MFA from the login drive policy.
        var read = await CliRunner.RunAsync(CancellationToken.None, "connect", "demo", "--gateway", Gateway, "--config-dir", ConfigDir, "--", "-X", "-At", "-c", "SELECT count(*) FROM orders");
        Assert.True(read.ExitCode == 0, read.Error);
        Assert.Equal("10", read.Out.Trim());

        // --print: a command for a shell, naming a 0600 pgpass file, never the token; run as a user would paste it.
        var print = CliRunner.Run("connect", "demo", "--print", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(print.ExitCode == AirlockCli.Ok, print.Error);
        Assert.DoesNotContain(token, print.Out, StringComparison.Ordinal);
        Assert.StartsWith("PGPASSFILE=", print.Out, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ConfigDir, "pgpass")));
        var pasted = await ProcessRunner.RunAsync(
            "/bin/sh",
            ["-c", print.Out.Trim() + " -X -At -c 'SELECT max(id) FROM orders'"],
            new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = PostgresCluster.DefaultBinDirectory + ":/usr/bin:/bin", ["PGSSLMODE"] = "disable" });
        Assert.True(pasted.ExitCode == 0, pasted.StandardError);
        Assert.Equal("10", pasted.StandardOutput.Trim());

        // whoami asks the gateway: who, until when, the IdP's groups and MFA.
        var whoami = CliRunner.Run("whoami", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(whoami.ExitCode == AirlockCli.Ok, whoami.Error);
        Assert.StartsWith($"dave at {Gateway}: login {id} until ", whoami.Out, StringComparison.Ordinal);
        Assert.Contains("IdP groups: sre-leads", whoami.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("MFA: none", whoami.Out, StringComparison.Ordinal);

        // The CLI's own commands use the login too (a person's credentials: reviews).
        var reviews = CliRunner.Run("reviews", "list", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(reviews.ExitCode == AirlockCli.Ok, reviews.Error);

        // Logout revokes it: an open session ends, the token logs in no more (with its reason), and it is forgotten.
        await using var open = new NpgsqlConnection(_gateway.ConnectionString("dave", token));
        await open.OpenAsync();
        var logout = CliRunner.Run("logout", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(logout.ExitCode == AirlockCli.Ok, logout.Error);
        Assert.Contains(id + " is revoked", logout.Out, StringComparison.Ordinal);
        await using var after = new NpgsqlCommand("SELECT 1", open);
        var ended = await Assert.ThrowsAnyAsync<Exception>(() => after.ExecuteScalarAsync());
        Assert.Contains("57P01", (ended as PostgresException ?? ended.InnerException as PostgresException)?.SqlState ?? ended.ToString(), StringComparison.Ordinal);
        var refused = await PsqlAsync("dave", token);
        Assert.Contains("AL1011", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains($"your Airlock login {id} was revoked", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("not logged in", CliRunner.Run("connect", "demo", "--gateway", Gateway, "--config-dir", ConfigDir).Error, StringComparison.Ordinal);
        Assert.Contains("not logged in", CliRunner.Run("whoami", "--gateway", Gateway, "--config-dir", ConfigDir).Error, StringComparison.Ordinal);

        // The trail: the login and the logout with the token's id, the refused login with its reason; the secret nowhere.
        var events = await AuditAsync();
        Assert.Contains(events, e => e.Kind == AuditEventKinds.Login && e.User == "dave" && e.Mfa == true && e.Detail!["login_token_id"] == id);
        Assert.Contains(events, e => e.Kind == AuditEventKinds.Logout && e.Detail!["login_token_id"] == id);
        Assert.Contains(events, e => e.Kind == AuditEventKinds.AuthFailed && e.User == "dave" && (e.Error ?? string.Empty).Contains("AL1011", StringComparison.Ordinal));
        Assert.DoesNotContain(token, _gateway.StoreText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_idp_user_without_an_mfa_claim_steps_up_with_totp_through_his_login()
    {
        var login = await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "pwd" } });
        Assert.True(login.ExitCode == AirlockCli.Ok, login.Error);

        // Approvers read production only with MFA: dave is told how to step up.
        var before = await CliRunner.RunAsync(CancellationToken.None, "connect", "demo", "--gateway", Gateway, "--config-dir", ConfigDir, "--", "-X", "-At", "-c", "SELECT count(*) FROM orders");
        Assert.Contains("AL0917", before.Error, StringComparison.Ordinal);
        Assert.Contains("airlock mfa", before.Error, StringComparison.Ordinal);

        var code = Totp.Compute(DaveTotp, Totp.StepAt(DateTimeOffset.UtcNow));
        var mfa = CliRunner.Run("mfa", "--code", code, "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(mfa.ExitCode == AirlockCli.Ok, mfa.Error);

        var after = await CliRunner.RunAsync(CancellationToken.None, "connect", "demo", "--gateway", Gateway, "--config-dir", ConfigDir, "--", "-X", "-At", "-c", "SELECT count(*) FROM orders");
        Assert.True(after.ExitCode == 0, after.Error);
        Assert.Equal("10", after.Out.Trim());
    }

    [Fact]
    public async Task An_admin_by_group_uses_the_admin_api_as_himself_only_with_fresh_mfa()
    {
        // dave is an approver through the IdP; the IdP saw his MFA an hour ago, older than admin.people.mfa.
        var hourAgo = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds();
        var login = await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "otp" }, ["auth_time"] = hourAgo });
        Assert.True(login.ExitCode == AirlockCli.Ok, login.Error);

        var stale = CliRunner.Run("sessions", "list", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.Equal(AirlockCli.Failed, stale.ExitCode);
        Assert.Contains("403", stale.Error, StringComparison.Ordinal);
        Assert.Contains("AL1014", stale.Error, StringComparison.Ordinal);
        Assert.Contains("airlock mfa", stale.Error, StringComparison.Ordinal);

        Assert.True(CliRunner.Run("mfa", "--code", Totp.Compute(DaveTotp, Totp.StepAt(DateTimeOffset.UtcNow)), "--gateway", Gateway, "--config-dir", ConfigDir).ExitCode == AirlockCli.Ok);

        // Fresh now: he lists sessions and kills one, and the trail names him.
        var (token, _, _) = Stored();
        await using var open = new NpgsqlConnection(_gateway.ConnectionString("dave", token));
        await open.OpenAsync();
        var sessionId = Host.Sessions.Open.Single().Id;
        var list = CliRunner.Run("sessions", "list", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(list.ExitCode == AirlockCli.Ok, list.Error);
        Assert.Contains(sessionId, list.Out, StringComparison.Ordinal);
        var kill = CliRunner.Run("sessions", "kill", sessionId, "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(kill.ExitCode == AirlockCli.Ok, kill.Error);
        var status = CliRunner.Run("policy", "status", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(status.ExitCode == AirlockCli.Ok, status.Error);
        Assert.Contains($"revision {Host.Policy.Current.Revision}", status.Out, StringComparison.Ordinal);
        var reload = CliRunner.Run("policy", "reload", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(reload.ExitCode == AirlockCli.Ok, reload.Error);
        Assert.Equal($"unchanged: revision {Host.Policy.Current.Revision}", reload.Out.Trim());
        var events = await AuditAsync();
        Assert.Contains(events, e => e.Kind == AuditEventKinds.Admin && e.User == "admin dave" && e.SessionId == sessionId);
        Assert.Contains(events, e => e.Kind == AuditEventKinds.AuthFailed && e.User == "dave" && e.ErrorCode == "AL1014");

        // frank (a contractor) is nobody's admin, fresh MFA or not.
        Directory.Delete(ConfigDir, recursive: true);
        Assert.True((await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "frank", ["amr"] = new[] { "otp" } })).ExitCode == AirlockCli.Ok);
        var frank = CliRunner.Run("sessions", "list", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.Contains("AL0817", frank.Error, StringComparison.Ordinal);
        Assert.Contains("AL0817", CliRunner.Run("policy", "reload", "--gateway", Gateway, "--config-dir", ConfigDir).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Policy_shortens_a_contractors_login_and_an_expired_or_denied_login_stores_nothing()
    {
        // frank is a contractor (policy sessions.login: 1h for contractors).
        var frank = await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "frank" });
        Assert.True(frank.ExitCode == AirlockCli.Ok, frank.Error);
        Assert.InRange(Stored().Expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));

        Directory.Delete(ConfigDir, recursive: true);
        var denied = await LoginAsync(claims: null);
        Assert.Equal(AirlockCli.Failed, denied.ExitCode);
        Assert.Contains("denied at the identity provider", denied.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ConfigDir, "logins.json")));
    }

    [Fact]
    public async Task A_logins_file_others_can_read_is_refused_and_a_gateway_without_oidc_client_says_so()
    {
        var login = await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "dave" });
        Assert.True(login.ExitCode == AirlockCli.Ok, login.Error);
        // A second login replaces the first, which is revoked rather than left valid.
        var (first, firstId, _) = Stored();
        var again = await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "dave" });
        Assert.True(again.ExitCode == AirlockCli.Ok, again.Error);
        Assert.Contains($"replaced login {firstId}, now revoked", again.Error, StringComparison.Ordinal);
        Assert.NotEqual(first, Stored().Token);
        Assert.Contains("AL1011", (await PsqlAsync("dave", first)).StandardError, StringComparison.Ordinal);

        var file = Path.Combine(ConfigDir, "logins.json");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var refused = CliRunner.Run("connect", "demo", "--print", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.Equal(AirlockCli.Usage, refused.ExitCode);
        Assert.Contains("chmod 600", refused.Error, StringComparison.Ordinal);

        // A gateway's admin API that does not offer login answers with the id and what to configure.
        var nowhere = CliRunner.Run("login", "--gateway", "http://127.0.0.1:1", "--config-dir", ConfigDir);
        Assert.NotEqual(AirlockCli.Ok, nowhere.ExitCode);
    }

    [Fact]
    public async Task A_revoked_api_token_and_an_idp_token_for_someone_else_are_refused_with_their_reasons_and_audited()
    {
        Assert.True((await LoginAsync(new Dictionary<string, object> { ["preferred_username"] = "alice" })).ExitCode == AirlockCli.Ok);
        var make = CliRunner.Run("tokens", "create", "--name", "ci", "--resource", "demo", "--gateway", Gateway, "--config-dir", ConfigDir);
        Assert.True(make.ExitCode == AirlockCli.Ok, make.Error);
        var apiToken = make.Out.Trim();
        Assert.True((await PsqlAsync("alice", apiToken)).ExitCode == 0);
        var tokenId = (await Host.Store.ApiTokens.ListAsync("alice")).Single().Id;
        Assert.True(CliRunner.Run("tokens", "revoke", tokenId, "--gateway", Gateway, "--config-dir", ConfigDir).ExitCode == AirlockCli.Ok);

        var revoked = await PsqlAsync("alice", apiToken);
        Assert.Contains("AL1011", revoked.StandardError, StringComparison.Ordinal);
        Assert.Contains(tokenId, revoked.StandardError, StringComparison.Ordinal);

        // An IdP token sent straight to /v1/login for exchange is validated like any: a tampered one is refused.
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Gateway + "/v1/login");
        request.Headers.Authorization = new("Bearer", TestIdentityProvider.Tamper(Idp.Mint(), user: "bob"));
        using var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("AL0841", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var events = await AuditAsync();
        Assert.Contains(events, e => e.Kind == AuditEventKinds.AuthFailed && e.User == "alice" && (e.Error ?? string.Empty).Contains("AL1011", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == AuditEventKinds.AuthFailed && e.ErrorCode == "AL0841");
        Assert.All(await _gateway.AuditAsync(), r => Assert.DoesNotContain(apiToken, r.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_idp_down_login_says_so_and_stores_nothing()
    {
        await Idp.DisposeAsync();

        var login = await CliRunner.RunAsync(CancellationToken.None, "login", "--gateway", Gateway, "--config-dir", ConfigDir);

        Assert.Equal(AirlockCli.Unavailable, login.ExitCode);
        Assert.Contains($"cannot reach the identity provider {Idp.Issuer}", login.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("admin API", login.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ConfigDir, "logins.json")));
    }

    /// <summary>Runs airlock login; plays the user at the IdP: approves the code the CLI asked for with these claims, or denies it when null.</summary>
    private async Task<CliResult> LoginAsync(IDictionary<string, object>? claims)
    {
        var run = CliRunner.RunAsync(CancellationToken.None, "login", "--gateway", Gateway, "--config-dir", ConfigDir);
        var code = await Idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(30));
        if (claims is null)
        {
            Idp.DenyDevice(code);
        }
        else
        {
            Idp.ApproveDevice(code, claims);
        }

        var result = await run;
        if (claims is not null)
        {
            Assert.Contains(code, result.Error, StringComparison.Ordinal);
        }

        return result;
    }

    private (string Token, string Id, DateTimeOffset Expires) Stored()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(ConfigDir, "logins.json")));
        var login = document.RootElement.GetProperty("logins")[0];
        return (login.GetProperty("token").GetString()!, login.GetProperty("id").GetString()!, login.GetProperty("expires_at").GetDateTimeOffset());
    }

    private async Task<List<AuditEvent>> AuditAsync() => [.. (await _gateway.AuditAsync()).Select(r => r.Event)];

    private Task<ProcessResult> PsqlAsync(string user, string password) => _gateway.PsqlAsync(user, password, "SELECT 1");
}
