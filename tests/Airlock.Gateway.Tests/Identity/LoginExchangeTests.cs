using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Airlock.Audit;
using Airlock.Gateway.Hosting;
using Airlock.Gateway.Tests.Support;
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
    private readonly HttpClient _http = new();
    private OidcGateway _gateway = null!;

    private TestIdentityProvider Idp => _gateway.Idp;

    private GatewayHost Host => _gateway.Host;

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

    public async Task InitializeAsync() => _gateway = await OidcGateway.StartAsync(RepoPaths.SamplePolicies, "gw-exchange");

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task An_idp_token_becomes_a_session_token_that_psql_logs_in_with_and_the_idp_groups_drive_policy()
    {
        var setup = await _http.GetStringAsync(new Uri(Host.AdminApi!.Address, "/v1/login"));
        Assert.Contains(Idp.Issuer, setup, StringComparison.Ordinal);

        var idpToken = Idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["groups"] = new[] { "sre-leads" }, ["amr"] = new[] { "otp" } });
        var (status, body) = await ExchangeAsync(idpToken);
        Assert.Equal(HttpStatusCode.OK, status);
        using var answer = JsonDocument.Parse(body);
        var token = answer.RootElement.GetProperty("token").GetString()!;
        Assert.Contains("approvers", answer.RootElement.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(Host.Postgres.Endpoint.Port, answer.RootElement.GetProperty("postgres_port").GetInt32());

        // psql with the session token: dave reads production as an approver with MFA (from the IdP, kept by the token).
        var read = await PsqlAsync("dave", token, "SELECT count(*) FROM orders");
        Assert.True(read.ExitCode == 0, read.StandardError);
        Assert.Equal("10", read.StandardOutput.Trim());

        // Without the IdP group he is support only: nothing on production.
        var (_, plainBody) = await ExchangeAsync(Idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "dave", ["amr"] = new[] { "otp" } }));
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
            "alg none" => Idp.AlgNoneToken(),
            "HS256 keyed with the public key" => Idp.Hs256WithPublicKeyToken(),
            "unknown kid" => Idp.Mint(key: Idp.NewKey()),
            "expired" => Idp.Mint(notBefore: now.AddHours(-2), expires: now.AddHours(-1)),
            "not yet valid" => Idp.Mint(notBefore: now.AddHours(1), expires: now.AddHours(2)),
            "wrong issuer" => Idp.Mint(issuer: "https://evil.example.com"),
            "wrong audience" => Idp.Mint(audience: "someone-else"),
            "tampered payload" => TestIdentityProvider.Tamper(Idp.Mint(), user: "bob"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        var (status, body) = await ExchangeAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(errorId, body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, body, StringComparison.Ordinal);
        Assert.Empty(await Host.Store.LoginTokens.ListAsync());

        var audit = await _gateway.AuditAsync();
        Assert.All(audit, r => Assert.DoesNotContain(token, r.Body, StringComparison.Ordinal));
        var failures = audit.Select(r => r.Event).Where(e => e.Kind == AuditEventKinds.AuthFailed).ToList();
        Assert.Contains(failures, e => e.ErrorCode == errorId);
    }

    [Fact]
    public async Task No_token_or_a_huge_one_is_refused_with_its_id_and_nothing_is_issued()
    {
        using (var bare = await _http.PostAsync(new Uri(Host.AdminApi!.Address, "/v1/login"), content: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, bare.StatusCode);
            Assert.Contains("AL1013", await bare.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Junk shaped like a JWT: AL0840, and the refusal does not echo it.
        var junk = new string('a', 20 * 1024) + "." + new string('b', 10) + "." + new string('c', 10);
        var (status, body) = await ExchangeAsync(junk);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(GatewayErrors.TokenMalformed, body, StringComparison.Ordinal);
        Assert.True(body.Length < 2048, "the refusal does not echo the token");

        // Beyond Kestrel's header limit (32 KiB) the request is refused before the gateway reads it.
        var (hugeStatus, _) = await ExchangeAsync(new string('a', 70 * 1024));
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, hugeStatus);
        Assert.Empty(await Host.Store.LoginTokens.ListAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> ExchangeAsync(string idpToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.AdminApi!.Address, "/v1/login"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", idpToken);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<ProcessResult> PsqlAsync(string user, string token, string sql) => _gateway.PsqlAsync(user, token, sql);
}
