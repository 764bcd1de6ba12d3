using System.Net;
using System.Net.Sockets;
using Airlock.Audit;
using Airlock.Gateway.Identity;
using Airlock.TestSupport.Identity;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>The OIDC validator against a real issuer on loopback (<see cref="TestIdentityProvider"/>).</summary>
public sealed class OidcTokenValidatorTests : IAsyncLifetime
{
    private TestIdentityProvider _idp = null!;

    public async Task InitializeAsync() => _idp = await TestIdentityProvider.StartAsync();

    public async Task DisposeAsync() => await _idp.DisposeAsync();

    private OidcTokenValidator Validator(TimeProvider? time = null) => new(_idp.Config(), time);

    private static async Task<OidcRejection> RejectedAsync(OidcTokenValidator validator, string token, string id, params string[] reasonParts)
    {
        var result = await validator.ValidateAsync(token, CancellationToken.None);
        Assert.False(result.Succeeded, "the token was accepted");
        var rejection = result.Rejection;
        Assert.Equal(id, rejection.ErrorId);
        Assert.StartsWith($"{id}: ", rejection.Reason, StringComparison.Ordinal);
        foreach (var part in reasonParts)
        {
            Assert.Contains(part, rejection.Reason, StringComparison.Ordinal);
        }

        // Each refusal is auditable; neither its reason nor its audit event holds the token or any part of it.
        var audit = OidcTokenValidator.AuthFailedEvent(rejection);
        Assert.Equal((AuditEventKinds.AuthFailed, id, rejection.Reason), (audit.Kind, audit.ErrorCode, audit.Error));
        var auditJson = System.Text.Json.JsonSerializer.Serialize(audit);
        Assert.DoesNotContain(token, rejection.Reason, StringComparison.Ordinal);
        foreach (var part in token.Split('.').Where(p => p.Length > 8))
        {
            Assert.DoesNotContain(part, rejection.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(part, auditJson, StringComparison.Ordinal);
        }

        return rejection;
    }

    [Fact]
    public async Task A_valid_token_yields_the_user_groups_mfa_and_expiry()
    {
        using var validator = Validator();
        var expires = DateTime.UtcNow.AddMinutes(10);
        var token = _idp.Mint(new Dictionary<string, object> { ["groups"] = new[] { "dba", "oncall", "dba" }, ["amr"] = new[] { "pwd", "otp" } }, expires: expires);

        var result = await validator.ValidateAsync(token, CancellationToken.None);

        Assert.True(result.Succeeded, result.Rejection?.Reason);
        Assert.Equal("alice", result.Identity.UserName);
        Assert.Equal("u-1001", result.Identity.Subject);
        Assert.Equal(["dba", "oncall"], result.Identity.Groups);
        Assert.True(result.Identity.Mfa);
        Assert.Equal(new DateTimeOffset(expires).ToUnixTimeSeconds(), result.Identity.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal(
            new Airlock.Pipeline.GatewayUser("alice", result.Identity.Groups, true) { ValidUntil = result.Identity.ExpiresAt, MfaAt = result.Identity.MfaAt },
            result.Identity.ToGatewayUser());

        // Without auth_time, the MFA was at least as recent as the token's issue (Mint sets iat to now).
        Assert.InRange(result.Identity.MfaAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task Mfa_time_is_the_tokens_auth_time_and_there_is_none_without_mfa()
    {
        using var validator = Validator();
        var authTime = DateTimeOffset.UtcNow.AddMinutes(-40).ToUnixTimeSeconds();

        var withAuthTime = await validator.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["amr"] = new[] { "otp" }, ["auth_time"] = authTime }), CancellationToken.None);
        var withoutMfa = await validator.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["amr"] = new[] { "pwd" }, ["auth_time"] = authTime }), CancellationToken.None);

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(authTime), withAuthTime.Identity!.MfaAt);
        Assert.Null(withoutMfa.Identity!.MfaAt);
    }

    [Fact]
    public async Task Mfa_comes_from_a_configured_amr_or_acr_value_and_groups_may_be_one_string()
    {
        using var validator = new OidcTokenValidator(_idp.Config() with { MfaAcr = ["urn:example:loa:2fa"] });

        var passwordOnly = await validator.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["amr"] = new[] { "pwd" }, ["groups"] = "dba" }), CancellationToken.None);
        var byAcr = await validator.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["amr"] = new[] { "pwd" }, ["acr"] = "urn:example:loa:2fa" }), CancellationToken.None);
        var otherAcr = await validator.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["acr"] = "urn:example:loa:1" }), CancellationToken.None);

        Assert.True(passwordOnly.Succeeded && byAcr.Succeeded && otherAcr.Succeeded);
        Assert.False(passwordOnly.Identity.Mfa);
        Assert.Equal(["dba"], passwordOnly.Identity.Groups);
        Assert.True(byAcr.Identity.Mfa);
        Assert.Empty(byAcr.Identity.Groups);
        Assert.False(otherAcr.Identity.Mfa);
    }

    [Fact]
    public async Task The_user_name_falls_back_to_email_then_sub_unless_a_claim_is_configured()
    {
        using var validator = Validator();
        var byEmail = await validator.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["preferred_username"] = "", ["email"] = "bob@example.com" }), CancellationToken.None);
        Assert.Equal("bob@example.com", byEmail.Identity?.UserName);

        using var upn = new OidcTokenValidator(_idp.Config() with { UsernameClaims = ["upn"] });
        await RejectedAsync(upn, _idp.Mint(), GatewayErrors.TokenClaimMissing, "upn");
        var byUpn = await upn.ValidateAsync(_idp.Mint(new Dictionary<string, object> { ["upn"] = "carol@corp" }), CancellationToken.None);
        Assert.Equal("carol@corp", byUpn.Identity?.UserName);
    }

    [Fact]
    public async Task AL0846_an_unsigned_token_alg_none_is_refused()
    {
        using var validator = Validator();
        await RejectedAsync(validator, _idp.AlgNoneToken(), GatewayErrors.TokenAlgorithmNotAllowed, "algorithm none is not allowed", "unsigned");
    }

    [Fact]
    public async Task AL0846_HS256_signed_with_the_public_key_is_refused()
    {
        using var validator = Validator();
        await RejectedAsync(validator, _idp.Hs256WithPublicKeyToken(), GatewayErrors.TokenAlgorithmNotAllowed, "algorithm HS256 is not allowed", "HMAC");
    }

    [Fact]
    public async Task AL0841_a_tampered_payload_does_not_verify()
    {
        using var validator = Validator();
        var tampered = TestIdentityProvider.Tamper(_idp.Mint());
        var rejection = await RejectedAsync(validator, tampered, GatewayErrors.TokenSignatureInvalid, "signature does not verify", _idp.CurrentKey.KeyId);
        Assert.Equal("mallory", rejection.UnverifiedUser);
    }

    [Fact]
    public async Task AL0842_an_expired_token_is_refused_beyond_the_clock_skew_and_accepted_within_it()
    {
        using var validator = Validator();
        var expired = DateTime.UtcNow.AddMinutes(-5);
        await RejectedAsync(validator, _idp.Mint(notBefore: expired.AddHours(-1), expires: expired), GatewayErrors.TokenExpired, "expired at", "60 s");

        var justExpired = await validator.ValidateAsync(_idp.Mint(notBefore: DateTime.UtcNow.AddHours(-1), expires: DateTime.UtcNow.AddSeconds(-20)), CancellationToken.None);
        Assert.True(justExpired.Succeeded, justExpired.Rejection?.Reason);
    }

    [Fact]
    public async Task AL0843_a_token_that_is_not_valid_yet_is_refused()
    {
        using var validator = Validator();
        var later = DateTime.UtcNow.AddHours(1);
        await RejectedAsync(validator, _idp.Mint(notBefore: later, expires: later.AddHours(1)), GatewayErrors.TokenNotYetValid, "not valid before");
    }

    [Fact]
    public async Task AL0844_a_token_from_another_issuer_is_refused()
    {
        using var validator = Validator();
        await RejectedAsync(validator, _idp.Mint(issuer: "https://evil.example.com"), GatewayErrors.TokenIssuerInvalid, "issuer 'https://evil.example.com' is not", _idp.Issuer);
    }

    [Fact]
    public async Task AL0845_a_token_for_another_audience_is_refused()
    {
        using var validator = Validator();
        await RejectedAsync(validator, _idp.Mint(audience: "billing-api"), GatewayErrors.TokenAudienceInvalid, "audience 'billing-api' is not 'airlock'");
    }

    [Fact]
    public async Task AL0849_a_token_without_expiry_is_refused()
    {
        using var validator = Validator();
        await RejectedAsync(validator, _idp.Mint(withoutExpiry: true), GatewayErrors.TokenClaimMissing, "no expiry (exp)");
    }

    [Fact]
    public async Task A_key_the_idp_dropped_is_trusted_at_most_until_the_automatic_refresh()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var validator = Validator(clock);
        var oldToken = _idp.Mint();
        Assert.True((await validator.ValidateAsync(oldToken, CancellationToken.None)).Succeeded);

        _idp.RotateKey(dropOld: true);
        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.True((await validator.ValidateAsync(oldToken, CancellationToken.None)).Succeeded);
        Assert.Equal(1, _idp.JwksRequests);

        clock.Advance(TimeSpan.FromMinutes(2));
        await RejectedAsync(validator, oldToken, GatewayErrors.TokenKeyUnknown);
        Assert.Equal(2, _idp.JwksRequests);
    }

    [Fact]
    public async Task AL0840_text_that_is_not_a_jwt_is_refused()
    {
        using var validator = Validator();
        await RejectedAsync(validator, "not-a-token", GatewayErrors.TokenMalformed, "not a JWT");
        await RejectedAsync(validator, new string('a', OidcTokenValidator.MaxTokenLength + 1), GatewayErrors.TokenMalformed, "at most");
        Assert.Equal(0, _idp.DiscoveryRequests);
    }

    [Fact]
    public async Task AL0847_a_kid_the_issuer_does_not_know_is_refused_after_one_refresh()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var validator = Validator(clock);
        Assert.True((await validator.ValidateAsync(_idp.Mint(), CancellationToken.None)).Succeeded);
        clock.Advance(TimeSpan.FromSeconds(10));
        var stranger = _idp.NewKey();

        await RejectedAsync(validator, _idp.Mint(key: stranger), GatewayErrors.TokenKeyUnknown, $"signing key id '{stranger.KeyId}' is unknown to the issuer (even after refreshing its keys)");

        Assert.Equal(2, _idp.JwksRequests);
    }

    [Fact]
    public async Task A_key_rotation_is_picked_up_without_a_new_validator()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var validator = Validator(clock);
        Assert.True((await validator.ValidateAsync(_idp.Mint(), CancellationToken.None)).Succeeded);
        var oldToken = _idp.Mint();

        clock.Advance(TimeSpan.FromSeconds(10));
        var rotated = _idp.RotateKey(dropOld: true);
        var result = await validator.ValidateAsync(_idp.Mint(), CancellationToken.None);

        Assert.True(result.Succeeded, result.Rejection?.Reason);
        Assert.Equal(rotated.KeyId, _idp.CurrentKey.KeyId);
        Assert.Equal(2, _idp.JwksRequests);

        // The dropped key is gone from the keys the gateway holds.
        await RejectedAsync(validator, oldToken, GatewayErrors.TokenKeyUnknown, "unknown to the issuer");
    }

    [Fact]
    public async Task A_stream_of_unknown_kids_fetches_the_keys_at_most_once_per_refresh_interval()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        using var validator = Validator(clock);
        Assert.True((await validator.ValidateAsync(_idp.Mint(), CancellationToken.None)).Succeeded);

        clock.Advance(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 20; i++)
        {
            await RejectedAsync(validator, _idp.Mint(key: _idp.NewKey()), GatewayErrors.TokenKeyUnknown);
        }

        Assert.Equal(2, _idp.JwksRequests);

        // Within the interval even a real rotation waits; once it has passed, the next unknown kid refreshes.
        _idp.RotateKey(dropOld: false);
        await RejectedAsync(validator, _idp.Mint(), GatewayErrors.TokenKeyUnknown);
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True((await validator.ValidateAsync(_idp.Mint(), CancellationToken.None)).Succeeded);
        Assert.Equal(3, _idp.JwksRequests);
    }

    [Fact]
    public async Task AL0848_an_idp_that_is_down_fails_closed()
    {
        var token = _idp.Mint();
        var port = FreePort();
        using var validator = new OidcTokenValidator(_idp.Config() with { Issuer = $"http://127.0.0.1:{port}" });

        await RejectedAsync(validator, token, GatewayErrors.IdpUnavailable, "could not be fetched", $"127.0.0.1:{port}");
    }

    [Fact]
    public async Task AL0848_a_discovery_document_naming_another_issuer_is_refused()
    {
        _idp.AdvertisedIssuer = "https://other.example.com";
        using var validator = Validator();

        await RejectedAsync(validator, _idp.Mint(), GatewayErrors.IdpUnavailable, "names issuer 'https://other.example.com', not the configured");
    }

    [Fact]
    public async Task AL0848_discovery_over_http_is_refused_when_https_is_required()
    {
        using var validator = new OidcTokenValidator(_idp.Config() with { RequireHttpsMetadata = true });

        await RejectedAsync(validator, _idp.Mint(), GatewayErrors.IdpUnavailable, "could not be fetched");
        Assert.Equal(0, _idp.DiscoveryRequests);
    }

    [Fact]
    public void A_configuration_that_allows_none_or_HS256_is_refused_in_code_too()
    {
        Assert.Throws<ArgumentException>(() => new OidcTokenValidator(_idp.Config() with { Algorithms = ["RS256", "none"] }));
        Assert.Throws<ArgumentException>(() => new OidcTokenValidator(_idp.Config() with { Algorithms = ["HS256"] }));
    }

    [Fact]
    public async Task A_refusal_becomes_an_auth_failed_audit_event_with_the_claimed_user_and_never_the_token()
    {
        using var validator = Validator();
        var token = _idp.Mint(audience: "billing-api");
        var rejection = (await validator.ValidateAsync(token, CancellationToken.None)).Rejection!;

        var audit = OidcTokenValidator.AuthFailedEvent(rejection, client: "10.0.0.7:51234", resource: "orders-prod");

        Assert.Equal(AuditEventKinds.AuthFailed, audit.Kind);
        Assert.Equal(GatewayErrors.TokenAudienceInvalid, audit.ErrorCode);
        Assert.Equal(rejection.Reason, audit.Error);
        Assert.Equal("alice", audit.User);
        Assert.Equal(("10.0.0.7:51234", "orders-prod", "refused"), (audit.Client, audit.Resource, audit.Outcome));
        Assert.Equal("oidc", audit.Detail!["method"]);
        Assert.Equal("false", audit.Detail["user_verified"]);
        var json = System.Text.Json.JsonSerializer.Serialize(audit);
        Assert.DoesNotContain(token.Split('.')[2], json, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Split('.')[1], json, StringComparison.Ordinal);

        var unreadable = OidcTokenValidator.AuthFailedEvent((await validator.ValidateAsync("garbage", CancellationToken.None)).Rejection!);
        Assert.Null(unreadable.User);
        Assert.Equal(GatewayErrors.TokenMalformed, unreadable.ErrorCode);
    }

    [Fact]
    public void Every_token_error_id_has_a_title_in_the_AL084x_range()
    {
        string[] ids =
        [
            GatewayErrors.TokenMalformed, GatewayErrors.TokenSignatureInvalid, GatewayErrors.TokenExpired, GatewayErrors.TokenNotYetValid,
            GatewayErrors.TokenIssuerInvalid, GatewayErrors.TokenAudienceInvalid, GatewayErrors.TokenAlgorithmNotAllowed,
            GatewayErrors.TokenKeyUnknown, GatewayErrors.IdpUnavailable, GatewayErrors.TokenClaimMissing,
        ];
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ids, id => Assert.StartsWith("AL084", id, StringComparison.Ordinal));
        Assert.All(ids, id => Assert.True(GatewayErrors.Titles.ContainsKey(id)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
