using Airlock.Audit;
using Airlock.Gateway.Tests.Support;
using Airlock.TestSupport;
using Airlock.TestSupport.Identity;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>
/// psql logs in through the gateway with a token of a real (test) OIDC issuer as its password, and the IdP's
/// groups drive policy: dave is in support by policy, but the IdP puts him in sre-leads, which the sample
/// policy maps to approvers; with an MFA amr he reads production, without it he is told to step up.
/// </summary>
public sealed class OidcLoginTests : IAsyncLifetime
{
    private OidcGateway _gateway = null!;

    private TestIdentityProvider Idp => _gateway.Idp;

    public async Task InitializeAsync() => _gateway = await OidcGateway.StartAsync(RepoPaths.SamplePolicies, "gw-oidc");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Psql_logs_in_with_an_idp_token_and_the_idp_groups_and_mfa_drive_policy()
    {
        var withMfa = Idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "pwd", "otp" } });
        var read = await PsqlAsync("dave", withMfa, "SELECT count(*) FROM orders");
        Assert.True(read.ExitCode == 0, read.StandardError);
        Assert.Equal("10", read.StandardOutput.Trim());

        // Without MFA in the token, the approvers' rule does not hold, and dave is told how to step up.
        var withoutMfa = Idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "pwd" } });
        var refused = await PsqlAsync("dave", withoutMfa, "SELECT count(*) FROM orders");
        Assert.Contains("AL0917", refused.StandardError, StringComparison.Ordinal);

        // Without the IdP group, dave is support only: nothing on production.
        var noGroup = Idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["amr"] = new[] { "otp" } });
        Assert.Contains("AL0901", (await PsqlAsync("dave", noGroup, "SELECT count(*) FROM orders")).StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_token_or_another_users_token_fails_the_login_and_is_audited_with_its_reason()
    {
        var forged = TestIdentityProvider.Tamper(Idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave" }), user: "dave");
        var result = await PsqlAsync("dave", forged, "SELECT 1");
        Assert.Contains("password authentication failed", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, result.StandardError, StringComparison.Ordinal);

        var alices = Idp.Mint();
        Assert.Contains("password authentication failed", (await PsqlAsync("dave", alices, "SELECT 1")).StandardError, StringComparison.Ordinal);

        var failures = (await _gateway.AuditAsync()).Select(r => r.Event).Where(e => e.Kind == AuditEventKinds.AuthFailed).ToList();
        Assert.Contains(failures, e => e.ErrorCode == "AL0841");
        Assert.DoesNotContain(failures, e => (e.Error ?? string.Empty).Contains(forged, StringComparison.Ordinal));
    }

    private Task<ProcessResult> PsqlAsync(string user, string token, string sql) => _gateway.PsqlAsync(user, token, sql);
}
