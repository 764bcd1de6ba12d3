using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Airlock.Gateway.Identity;
using Airlock.TestSupport.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>
/// The test IdP's device authorization grant (RFC 8628) over real HTTP, as a CLI will use it: the device and token
/// endpoints, every error the token endpoint can poll into, and tokens the gateway's own validator accepts. The CLI
/// tests trust this IdP to behave like a real one, so it is checked here first.
/// </summary>
public sealed partial class TestIdentityProviderDeviceFlowTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private TestIdentityProvider _idp = null!;

    public async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync();
        _idp.PollInterval = 0;
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _idp.DisposeAsync();
    }

    [GeneratedRegex("^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$")]
    private static partial Regex UserCodePattern();

    private async Task<JsonElement> AuthorizeDeviceAsync(string clientId = TestIdentityProvider.Audience)
    {
        var (status, body) = await PostAsync("/device", new() { ["client_id"] = clientId, ["scope"] = "openid profile groups" });
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> PollAsync(
        string deviceCode, string clientId = TestIdentityProvider.Audience, string grantType = TestIdentityProvider.DeviceCodeGrantType) =>
        PostAsync("/token", new() { ["grant_type"] = grantType, ["device_code"] = deviceCode, ["client_id"] = clientId });

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(new Uri(_idp.Issuer + path), content);
        return (response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static void AssertError(string error, (HttpStatusCode Status, JsonElement Body) response, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Assert.Equal(error, response.Body.GetProperty("error").GetString());
        Assert.Equal(status, response.Status);
        Assert.False(response.Body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Discovery_advertises_the_device_endpoint_and_grant()
    {
        using var discovery = JsonDocument.Parse(await _http.GetStringAsync(new Uri(_idp.Issuer + "/.well-known/openid-configuration")));
        var root = discovery.RootElement;

        Assert.Equal($"{_idp.Issuer}/device", root.GetProperty("device_authorization_endpoint").GetString());
        Assert.Equal($"{_idp.Issuer}/token", root.GetProperty("token_endpoint").GetString());
        Assert.Contains("urn:ietf:params:oauth:grant-type:device_code", root.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task The_device_endpoint_answers_codes_links_lifetime_and_interval()
    {
        _idp.PollInterval = 1;
        _idp.DeviceCodeLifetime = TimeSpan.FromSeconds(90);

        var first = await AuthorizeDeviceAsync();
        var second = await AuthorizeDeviceAsync();

        var userCode = first.GetProperty("user_code").GetString()!;
        Assert.Matches(UserCodePattern(), userCode);
        Assert.Equal(32, Base64UrlEncoder.DecodeBytes(first.GetProperty("device_code").GetString()).Length);
        Assert.Equal($"{_idp.Issuer}/activate", first.GetProperty("verification_uri").GetString());
        Assert.Equal($"{_idp.Issuer}/activate?user_code={userCode}", first.GetProperty("verification_uri_complete").GetString());
        Assert.Equal(90, first.GetProperty("expires_in").GetInt32());
        Assert.Equal(1, first.GetProperty("interval").GetInt32());
        Assert.NotEqual(first.GetProperty("device_code").GetString(), second.GetProperty("device_code").GetString());
        Assert.NotEqual(userCode, second.GetProperty("user_code").GetString());
        Assert.Equal(2, _idp.DeviceRequests);

        // The verification page a human would open knows the code.
        var page = await _http.GetStringAsync(new Uri(first.GetProperty("verification_uri_complete").GetString()!));
        Assert.Contains($"{userCode}: pending", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_until_approved_then_tokens_the_gateway_validator_accepts_with_the_users_groups()
    {
        var device = await AuthorizeDeviceAsync();
        var deviceCode = device.GetProperty("device_code").GetString()!;

        var userCode = await _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(device.GetProperty("user_code").GetString(), userCode);
        AssertError("authorization_pending", await PollAsync(deviceCode));
        AssertError("authorization_pending", await PollAsync(deviceCode));

        _idp.ApproveDevice(userCode, new Dictionary<string, object>
        {
            ["preferred_username"] = "dave",
            ["sub"] = "u-2002",
            ["groups"] = new[] { "sre-leads", "support" },
            ["amr"] = new[] { "pwd", "otp" },
        });
        var (status, tokens) = await PollAsync(deviceCode);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", tokens.GetProperty("token_type").GetString());
        Assert.Equal(600, tokens.GetProperty("expires_in").GetInt32());
        using var validator = new OidcTokenValidator(_idp.Config());
        foreach (var name in new[] { "access_token", "id_token" })
        {
            var result = await validator.ValidateAsync(tokens.GetProperty(name).GetString()!, CancellationToken.None);
            Assert.True(result.Succeeded, $"{name}: {result.Rejection?.Reason}");
            Assert.Equal("dave", result.Identity.UserName);
            Assert.Equal("u-2002", result.Identity.Subject);
            Assert.Equal(["sre-leads", "support"], result.Identity.Groups);
            Assert.True(result.Identity.Mfa);
            Assert.InRange(result.Identity.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(9), DateTimeOffset.UtcNow.AddMinutes(11));
        }

        Assert.Equal((1, 3), (_idp.DeviceRequests, _idp.TokenRequests));
    }

    [Fact]
    public async Task The_id_token_is_for_the_client_and_the_access_token_for_the_gateway()
    {
        _idp.ClientId = "airlock-cli";
        var deviceCode = (await AuthorizeDeviceAsync("airlock-cli")).GetProperty("device_code").GetString()!;
        _idp.ApproveDevice(await _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5)), new Dictionary<string, object> { ["groups"] = new[] { "dba" } });

        var (status, tokens) = await PollAsync(deviceCode, "airlock-cli");

        Assert.Equal(HttpStatusCode.OK, status);
        using var forGateway = new OidcTokenValidator(_idp.Config());
        using var forCli = new OidcTokenValidator(_idp.Config() with { Audiences = ["airlock-cli"] });
        Assert.True((await forGateway.ValidateAsync(tokens.GetProperty("access_token").GetString()!, CancellationToken.None)).Succeeded);
        Assert.False((await forGateway.ValidateAsync(tokens.GetProperty("id_token").GetString()!, CancellationToken.None)).Succeeded);
        var idToken = await forCli.ValidateAsync(tokens.GetProperty("id_token").GetString()!, CancellationToken.None);
        Assert.True(idToken.Succeeded, idToken.Rejection?.Reason);
        Assert.Equal(["dba"], idToken.Identity.Groups);
    }

    [Fact]
    public async Task Polling_sooner_than_the_interval_is_slow_down_and_waiting_it_out_is_pending_again()
    {
        _idp.PollInterval = 1;
        var deviceCode = (await AuthorizeDeviceAsync()).GetProperty("device_code").GetString()!;

        AssertError("authorization_pending", await PollAsync(deviceCode));
        AssertError("slow_down", await PollAsync(deviceCode));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        AssertError("authorization_pending", await PollAsync(deviceCode));
    }

    [Fact]
    public async Task With_a_zero_interval_rapid_polls_are_never_slow_down()
    {
        var device = await AuthorizeDeviceAsync();
        var deviceCode = device.GetProperty("device_code").GetString()!;

        Assert.Equal(0, device.GetProperty("interval").GetInt32());
        for (var i = 0; i < 5; i++)
        {
            AssertError("authorization_pending", await PollAsync(deviceCode));
        }
    }

    [Fact]
    public async Task A_denied_request_is_access_denied_on_every_poll()
    {
        var deviceCode = (await AuthorizeDeviceAsync()).GetProperty("device_code").GetString()!;
        var userCode = await _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5));

        _idp.DenyDevice(userCode);

        AssertError("access_denied", await PollAsync(deviceCode));
        AssertError("access_denied", await PollAsync(deviceCode));
        Assert.Throws<InvalidOperationException>(() => _idp.ApproveDevice(userCode, new Dictionary<string, object>()));
    }

    [Fact]
    public async Task An_expired_device_code_is_expired_token_even_once_approved()
    {
        var deviceCode = (await AuthorizeDeviceAsync()).GetProperty("device_code").GetString()!;
        var userCode = await _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5));
        _idp.ApproveDevice(userCode, new Dictionary<string, object>());

        _idp.ExpireDevice(userCode);

        AssertError("expired_token", await PollAsync(deviceCode));
    }

    [Fact]
    public async Task A_device_code_past_its_lifetime_is_expired_token_and_no_longer_pending()
    {
        _idp.DeviceCodeLifetime = TimeSpan.Zero;
        var device = await AuthorizeDeviceAsync();

        Assert.Equal(0, device.GetProperty("expires_in").GetInt32());
        AssertError("expired_token", await PollAsync(device.GetProperty("device_code").GetString()!));
        await Assert.ThrowsAsync<TimeoutException>(() => _idp.WaitForUserCodeAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Throws<InvalidOperationException>(() => _idp.ApproveDevice(device.GetProperty("user_code").GetString()!, new Dictionary<string, object>()));
    }

    [Fact]
    public async Task An_unknown_device_code_is_invalid_grant()
    {
        await AuthorizeDeviceAsync();

        AssertError("invalid_grant", await PollAsync(Base64UrlEncoder.Encode(new byte[32])));
    }

    [Fact]
    public async Task A_device_code_is_redeemed_once()
    {
        var deviceCode = (await AuthorizeDeviceAsync()).GetProperty("device_code").GetString()!;
        _idp.ApproveDevice(await _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5)), new Dictionary<string, object>());

        var first = await PollAsync(deviceCode);
        var second = await PollAsync(deviceCode);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(string.IsNullOrEmpty(first.Body.GetProperty("access_token").GetString()));
        AssertError("invalid_grant", second);
    }

    [Fact]
    public async Task A_wrong_client_is_invalid_client_at_both_endpoints()
    {
        var deviceCode = (await AuthorizeDeviceAsync()).GetProperty("device_code").GetString()!;

        AssertError("invalid_client", await PostAsync("/device", new() { ["client_id"] = "mallory" }), HttpStatusCode.Unauthorized);
        AssertError("invalid_client", await PostAsync("/device", new() { ["scope"] = "openid" }), HttpStatusCode.Unauthorized);
        AssertError("invalid_client", await PollAsync(deviceCode, clientId: "mallory"), HttpStatusCode.Unauthorized);
        Assert.Equal(3, _idp.DeviceRequests);

        // The wrong client learnt nothing and used nothing up: the right one still gets the tokens.
        _idp.ApproveDevice(await _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5)), new Dictionary<string, object>());
        Assert.Equal(HttpStatusCode.OK, (await PollAsync(deviceCode)).Status);
    }

    [Fact]
    public async Task Another_grant_type_is_unsupported_grant_type()
    {
        var deviceCode = (await AuthorizeDeviceAsync()).GetProperty("device_code").GetString()!;

        AssertError("unsupported_grant_type", await PollAsync(deviceCode, grantType: "authorization_code"));
        AssertError("unsupported_grant_type", await PollAsync(deviceCode, grantType: "password"));
    }

    [Fact]
    public async Task WaitForUserCodeAsync_waits_for_a_request_that_comes_later_and_skips_decided_ones()
    {
        var denied = (await AuthorizeDeviceAsync()).GetProperty("user_code").GetString()!;
        _idp.DenyDevice(denied.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal));

        var waiting = _idp.WaitForUserCodeAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        var later = (await AuthorizeDeviceAsync()).GetProperty("user_code").GetString();

        Assert.Equal(later, await waiting);
    }

    [Fact]
    public void An_unknown_user_code_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => _idp.ApproveDevice("BCDF-GHJK", new Dictionary<string, object>()));
        Assert.Throws<ArgumentException>(() => _idp.DenyDevice("BCDF-GHJK"));
        Assert.Throws<ArgumentException>(() => _idp.ExpireDevice("BCDF-GHJK"));
    }
}
