using Airlock.Gateway.Configuration;
using Airlock.Gateway.Tests.Support;

namespace Airlock.Gateway.Tests.Configuration;

/// <summary>The <c>oidc:</c> section of the gateway configuration.</summary>
public sealed class OidcConfigurationTests : IDisposable
{
    private const string Head = """
        listen: { postgres: 127.0.0.1:15432 }
        policy: ./policies
        store: sqlite:./airlock.db

        """;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private GatewayConfigLoadResult Load(string oidc) => GatewayConfigLoader.Load(_dir.Write("gateway.yaml", Head + oidc));

    private static ConfigDiagnostic Single(GatewayConfigLoadResult result)
    {
        Assert.False(result.Succeeded);
        return Assert.Single(result.Diagnostics);
    }

    [Fact]
    public void A_full_oidc_section_loads_every_setting()
    {
        var result = Load("""
            oidc:
              issuer: https://login.example.com/realms/prod
              audience: [airlock, airlock-cli]
              groups_claim: roles
              username_claim: upn
              algorithms: [RS256, ES256]
              clock_skew: 30s
              mfa: { amr: [hwk], acr: ["urn:example:loa:2fa"] }
              require_https_metadata: true
              client_id: airlock-cli
              scopes: [openid, profile, groups]
            """);

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var oidc = result.Config!.Oidc!;
        Assert.Equal("https://login.example.com/realms/prod", oidc.Issuer);
        Assert.Equal("https://login.example.com/realms/prod/.well-known/openid-configuration", oidc.MetadataAddress);
        Assert.Equal(["airlock", "airlock-cli"], oidc.Audiences);
        Assert.Equal("roles", oidc.GroupsClaim);
        Assert.Equal(["upn"], oidc.UsernameClaims);
        Assert.Equal(["RS256", "ES256"], oidc.Algorithms);
        Assert.Equal(TimeSpan.FromSeconds(30), oidc.ClockSkew);
        Assert.Equal(["hwk"], oidc.MfaAmr);
        Assert.Equal(["urn:example:loa:2fa"], oidc.MfaAcr);
        Assert.True(oidc.RequireHttpsMetadata);
        Assert.Equal("airlock-cli", oidc.ClientId);
        Assert.Equal(["openid", "profile", "groups"], oidc.Scopes);
        Assert.Equal(5, oidc.Location.Line);
    }

    [Fact]
    public void A_minimal_oidc_section_takes_the_defaults_and_no_section_means_no_oidc()
    {
        var oidc = Load("oidc: { issuer: https://idp.example.com, audience: airlock }").Config!.Oidc!;

        Assert.Equal("https://idp.example.com", oidc.Issuer);
        Assert.Equal(["airlock"], oidc.Audiences);
        Assert.Equal("groups", oidc.GroupsClaim);
        Assert.Equal(["preferred_username", "email", "sub"], oidc.UsernameClaims);
        Assert.Equal(["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"], oidc.Algorithms);
        Assert.Equal(TimeSpan.FromSeconds(60), oidc.ClockSkew);
        Assert.Equal(["mfa", "otp", "hwk", "swk"], oidc.MfaAmr);
        Assert.Empty(oidc.MfaAcr);
        Assert.True(oidc.RequireHttpsMetadata);
        Assert.Null(oidc.ClientId); // airlock login is not offered
        Assert.Equal(["openid", "profile", "email"], oidc.Scopes);
        Assert.Null(Load(string.Empty).Config!.Oidc);
    }

    [Fact]
    public void An_http_issuer_is_allowed_only_without_required_https_metadata()
    {
        var loopback = Load("oidc: { issuer: \"http://127.0.0.1:8443\", audience: airlock, require_https_metadata: false }");
        Assert.True(loopback.Succeeded, string.Join("\n", loopback.Diagnostics));
        Assert.False(loopback.Config!.Oidc!.RequireHttpsMetadata);

        var refused = Single(Load("oidc: { issuer: \"http://idp.example.com\", audience: airlock }"));
        Assert.Equal((GatewayErrors.InvalidValue, 4, 17), (refused.Id, refused.Location.Line, refused.Location.Column));
        Assert.Contains("must be https://", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AL0805_issuer_and_audience_are_required()
    {
        var result = Load("""
            oidc:
              groups_claim: groups
            """);

        Assert.Equal(2, result.Diagnostics.Count);
        Assert.All(result.Diagnostics, d => Assert.Equal((GatewayErrors.MissingKey, 5, 3), (d.Id, d.Location.Line, d.Location.Column)));
        Assert.Contains(result.Diagnostics, d => d.Message == "oidc needs 'issuer'");
        Assert.Contains(result.Diagnostics, d => d.Message == "oidc needs 'audience'");
    }

    [Theory]
    [InlineData("login.example.com")]
    [InlineData("/realms/prod")]
    [InlineData("ftp://login.example.com")]
    [InlineData("https://login.example.com/?tenant=1")]
    public void AL0804_an_issuer_that_is_not_an_absolute_https_url_is_refused(string issuer)
    {
        var diagnostic = Single(Load($"oidc: {{ issuer: \"{issuer}\", audience: airlock }}"));

        Assert.Equal((GatewayErrors.InvalidValue, 4, 17), (diagnostic.Id, diagnostic.Location.Line, diagnostic.Location.Column));
        Assert.Contains("oidc.issuer must be an absolute https:// URL", diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AL0803_unknown_keys_are_reported_with_a_suggestion()
    {
        var result = Load("""
            oidc:
              issuer: https://idp.example.com
              audience: airlock
              group_claim: roles
              mfa: { amrs: [otp] }
            """);

        Assert.Equal(2, result.Diagnostics.Count);
        Assert.Equal((GatewayErrors.UnknownKey, 7, 3), (result.Diagnostics[0].Id, result.Diagnostics[0].Location.Line, result.Diagnostics[0].Location.Column));
        Assert.Contains("unknown key 'group_claim' in oidc; did you mean 'groups_claim'?", result.Diagnostics[0].Message, StringComparison.Ordinal);
        Assert.Equal((GatewayErrors.UnknownKey, 8), (result.Diagnostics[1].Id, result.Diagnostics[1].Location.Line));
        Assert.Contains("in oidc.mfa", result.Diagnostics[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("none", "'none' means an unsigned token")]
    [InlineData("HS256", "'HS256' is a shared-secret (HMAC) algorithm")]
    [InlineData("hs512", "'HS512' is a shared-secret (HMAC) algorithm")]
    [InlineData("RSA-OAEP", "not an asymmetric signature algorithm the gateway supports")]
    public void AL0804_an_algorithm_that_is_not_an_asymmetric_signature_is_refused(string algorithm, string message)
    {
        var diagnostic = Single(Load($"oidc: {{ issuer: https://idp.example.com, audience: airlock, algorithms: [RS256, {algorithm}] }}"));

        Assert.Equal((GatewayErrors.InvalidValue, 4), (diagnostic.Id, diagnostic.Location.Line));
        Assert.Equal(81, diagnostic.Location.Column);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("allowed: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512", diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clock_skew: 10m", "oidc.clock_skew must be a duration from 0 to 5m")]
    [InlineData("clock_skew: soon", "oidc.clock_skew must be a duration from 0 to 5m")]
    [InlineData("algorithms: []", "oidc.algorithms must be a non-empty list")]
    [InlineData("audience: []", "oidc.audience must be text or a non-empty list")]
    [InlineData("require_https_metadata: maybe", "oidc.require_https_metadata must be true or false")]
    [InlineData("mfa: [otp]", "oidc.mfa must be a mapping")]
    [InlineData("mfa: { acr: loa2 }", "oidc.mfa.acr must be a non-empty list")]
    [InlineData("groups_claim: [a, b]", "oidc.groups_claim must be text")]
    public void AL0804_wrong_values_are_reported(string line, string message)
    {
        var diagnostic = Single(Load($"""
            oidc:
              issuer: https://idp.example.com
              {(line.StartsWith("audience", StringComparison.Ordinal) ? string.Empty : "audience: airlock")}
              {line}
            """));

        Assert.Equal((GatewayErrors.InvalidValue, 7), (diagnostic.Id, diagnostic.Location.Line));
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zero_clock_skew_is_allowed()
    {
        var result = Load("oidc: { issuer: https://idp.example.com, audience: airlock, clock_skew: 0 }");

        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        Assert.Equal(TimeSpan.Zero, result.Config!.Oidc!.ClockSkew);
    }

    [Fact]
    public void A_client_id_that_is_not_text_or_scopes_that_are_not_a_list_are_refused_at_their_place()
    {
        var clientId = Single(Load("oidc: { issuer: https://idp.example.com, audience: airlock, client_id: [a, b] }"));
        Assert.Contains("oidc.client_id", clientId.Message, StringComparison.Ordinal);
        Assert.Equal(4, clientId.Location.Line);

        var scopes = Single(Load("""
            oidc:
              issuer: https://idp.example.com
              audience: airlock
              scopes: openid
            """));
        Assert.Contains("oidc.scopes", scopes.Message, StringComparison.Ordinal);
        Assert.Equal(7, scopes.Location.Line);
    }
}
