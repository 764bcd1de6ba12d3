using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Airlock.Gateway.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>
/// A small, real OIDC issuer on 127.0.0.1 (Kestrel, a free port): it serves <c>/.well-known/openid-configuration</c>
/// and <c>/jwks</c> with RSA keys made in the test, rotates them on demand, and mints tokens. Raw helpers
/// write the malicious tokens by hand (alg none, HS256 keyed with the public key, a tampered payload).
/// </summary>
internal sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string Audience = "airlock";

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private List<RsaSecurityKey> _published = [];
    private int _keyNumber;
    private int _discoveryRequests;
    private int _jwksRequests;

    private TestIdentityProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", Discovery);
        _app.MapGet("/jwks", Jwks);
    }

    /// <summary>The issuer, <c>http://127.0.0.1:PORT</c>, as in <c>iss</c> and the discovery document.</summary>
    public string Issuer { get; private set; } = null!;

    /// <summary>When set, the discovery document names this issuer instead (a misconfigured or hostile IdP).</summary>
    public string? AdvertisedIssuer { get; set; }

    /// <summary>The key new tokens are signed with: the last one published.</summary>
    public RsaSecurityKey CurrentKey
    {
        get
        {
            lock (_lock)
            {
                return _published[^1];
            }
        }
    }

    public int DiscoveryRequests => Volatile.Read(ref _discoveryRequests);

    public int JwksRequests => Volatile.Read(ref _jwksRequests);

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var idp = new TestIdentityProvider();
        idp._published.Add(idp.NewKey());
        await idp._app.StartAsync();
        idp.Issuer = idp._app.Urls.First().TrimEnd('/');
        return idp;
    }

    /// <summary>The gateway's <c>oidc:</c> for this IdP: http allowed (loopback), everything else default.</summary>
    public OidcConfig Config() => new()
    {
        Issuer = Issuer,
        Audiences = [Audience],
        RequireHttpsMetadata = false,
    };

    /// <summary>A new RSA key with a new kid, not published.</summary>
    public RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = $"key-{Interlocked.Increment(ref _keyNumber)}" };

    /// <summary>Publishes a new key (new kid) and signs with it from now on; the old keys stay published unless dropped.</summary>
    public RsaSecurityKey RotateKey(bool dropOld)
    {
        var key = NewKey();
        lock (_lock)
        {
            _published = dropOld ? [key] : [.. _published, key];
        }

        return key;
    }

    /// <summary>A signed token: a valid one by default; every part can be changed.</summary>
    public string Mint(
        IDictionary<string, object>? claims = null,
        string? subject = "u-1001",
        string? issuer = null,
        string audience = Audience,
        DateTime? notBefore = null,
        DateTime? expires = null,
        SecurityKey? key = null,
        string algorithm = SecurityAlgorithms.RsaSha256,
        bool withoutExpiry = false)
    {
        var now = DateTime.UtcNow;
        var all = new Dictionary<string, object>(StringComparer.Ordinal) { ["preferred_username"] = "alice" };
        if (subject is not null)
        {
            all["sub"] = subject;
        }

        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
        {
            all[name] = value;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = all,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = withoutExpiry ? null : expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key ?? CurrentKey, algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>The standard claims of a valid token, as a JSON object, for hand-made tokens.</summary>
    public Dictionary<string, object> Payload(string user = "mallory")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["sub"] = "u-666",
            ["preferred_username"] = user,
            ["groups"] = new[] { "admins" },
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 600,
        };
    }

    /// <summary>An unsigned token: header <c>{"alg":"none"}</c>, an empty signature.</summary>
    public string AlgNoneToken() =>
        $"{Segment(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" })}.{Segment(Payload())}.";

    /// <summary>
    /// The key-confusion attack: HS256 with the IdP's RSA public key (its PEM text, which anyone can fetch) as
    /// the HMAC secret, and the published kid, hoping the verifier uses "the key" with the header's algorithm.
    /// </summary>
    public string Hs256WithPublicKeyToken()
    {
        var key = CurrentKey;
        var signingInput = $"{Segment(new Dictionary<string, object> { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = key.KeyId })}.{Segment(Payload())}";
        var secret = Encoding.UTF8.GetBytes(key.Rsa.ExportSubjectPublicKeyInfoPem());
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>A valid token whose payload was changed (a user and groups of the attacker's choice) and its signature kept.</summary>
    public static string Tamper(string token, string user = "mallory")
    {
        var parts = token.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(parts[1]))!
            .ToDictionary(p => p.Key, p => (object)p.Value, StringComparer.Ordinal);
        payload["preferred_username"] = user;
        payload["groups"] = new[] { "admins" };
        return $"{parts[0]}.{Segment(payload)}.{parts[2]}";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Segment(Dictionary<string, object> json) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(json));

    private IResult Discovery()
    {
        Interlocked.Increment(ref _discoveryRequests);
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = AdvertisedIssuer ?? Issuer,
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        });
    }

    private IResult Jwks()
    {
        Interlocked.Increment(ref _jwksRequests);
        List<RsaSecurityKey> keys;
        lock (_lock)
        {
            keys = _published;
        }

        return Results.Json(new
        {
            keys = keys.Select(k =>
            {
                var p = k.Rsa.ExportParameters(includePrivateParameters: false);
                return new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = k.KeyId,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                };
            }),
        });
    }
}
