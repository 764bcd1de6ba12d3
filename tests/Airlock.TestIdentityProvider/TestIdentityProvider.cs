using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Airlock.TestSupport.Identity;

/// <summary>
/// A small, real OIDC issuer on 127.0.0.1 (Kestrel, a free port): it serves <c>/.well-known/openid-configuration</c>
/// and <c>/jwks</c> with RSA keys made in the test, rotates them on demand, and mints tokens. Raw helpers
/// write the malicious tokens by hand (alg none, HS256 keyed with the public key, a tampered payload).
/// </summary>
/// <remarks>
/// It also speaks the OAuth 2.0 Device Authorization Grant (RFC 8628) over real HTTP, <c>POST /device</c> and
/// <c>POST /token</c>, so that a CLI test can run a real device login against it. No browser takes part: the test
/// plays the user at the verification page through <see cref="WaitForUserCodeAsync"/>, <see cref="ApproveDevice"/>,
/// <see cref="DenyDevice"/> and <see cref="ExpireDevice"/>. It lives in TestSupport, apart from the gateway, so that
/// any test project can start one; the gateway's <c>oidc:</c> for it is built on the gateway tests' side.
/// </remarks>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    /// <summary>The audience of access tokens; also the default <see cref="ClientId"/>, as the gateway expects both.</summary>
    public const string Audience = "airlock";

    /// <summary>The <c>grant_type</c> of a device access token request (RFC 8628 §3.4).</summary>
    public const string DeviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code";

    /// <summary>Lifetime of the tokens the token endpoint issues, as in their <c>exp</c> and the <c>expires_in</c>.</summary>
    public const int TokenLifetimeSeconds = 600;

    /// <summary>
    /// The letters of user codes: consonants without vowels (no words spelt by chance) and without Y, as RFC 8628
    /// §6.1 suggests; 20^8 codes leave guessing hopeless within a code's lifetime.
    /// </summary>
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";

    private int _disposed;
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly List<DeviceGrant> _deviceGrants = [];
    private readonly Dictionary<string, DeviceGrant> _byDeviceCode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceGrant> _byUserCode = new(StringComparer.Ordinal);
    private List<RsaSecurityKey> _published = [];
    private TaskCompletionSource _deviceRequested = NewSignal();
    private int _keyNumber;
    private int _discoveryRequests;
    private int _jwksRequests;
    private int _deviceRequests;
    private int _tokenRequests;

    private TestIdentityProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", Discovery);
        _app.MapGet("/jwks", Jwks);
        _app.MapPost("/device", DeviceAuthorizationAsync);
        _app.MapPost("/token", TokenAsync);
        _app.MapGet("/activate", Activate);
    }

    private enum DeviceState
    {
        Pending,
        Approved,
        Denied,
        Redeemed,
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

    /// <summary>The <c>client_id</c> the device and token endpoints accept; any other is <c>invalid_client</c>.</summary>
    public string ClientId { get; set; } = Audience;

    /// <summary>How long a device code stays usable (<c>expires_in</c>); read when the device request arrives.</summary>
    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromSeconds(600);

    /// <summary>
    /// The polling <c>interval</c> in seconds the device endpoint announces, read when the device request arrives.
    /// Polling a code again sooner is <c>slow_down</c>; 0 announces 0 and enforces nothing, for fast tests.
    /// </summary>
    public int PollInterval { get; set; } = 5;

    /// <summary>Requests to <c>POST /device</c>, accepted or not.</summary>
    public int DeviceRequests => Volatile.Read(ref _deviceRequests);

    /// <summary>Requests to <c>POST /token</c>, whatever their answer.</summary>
    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    public static async Task<TestIdentityProvider> StartAsync()
    {
        var idp = new TestIdentityProvider();
        idp._published.Add(idp.NewKey());
        await idp._app.StartAsync();
        idp.Issuer = idp._app.Urls.First().TrimEnd('/');
        return idp;
    }

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
    public IDictionary<string, object> Payload(string user = "mallory")
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

    /// <summary>
    /// The user at the verification page signs in and approves the device request: its next poll gets an access
    /// token (audience <see cref="Audience"/>) and an ID token (audience the client) minted with
    /// <paramref name="claims"/> (e.g. <c>preferred_username</c>, <c>groups</c>, <c>amr</c>; <c>sub</c> defaults
    /// as in <see cref="Mint"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No device request has this user code.</exception>
    /// <exception cref="InvalidOperationException">The request was decided already, redeemed or has expired.</exception>
    public void ApproveDevice(string userCode, IDictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(claims);
        var copy = new Dictionary<string, object>(claims, StringComparer.Ordinal);
        lock (_lock)
        {
            var grant = PendingGrant(userCode);
            grant.Claims = copy;
            grant.State = DeviceState.Approved;
        }
    }

    /// <summary>The user at the verification page refuses the device request: its polls get <c>access_denied</c>.</summary>
    /// <exception cref="ArgumentException">No device request has this user code.</exception>
    /// <exception cref="InvalidOperationException">The request was decided already, redeemed or has expired.</exception>
    public void DenyDevice(string userCode)
    {
        lock (_lock)
        {
            PendingGrant(userCode).State = DeviceState.Denied;
        }
    }

    /// <summary>Ends the device code's lifetime now, without waiting for it: its polls get <c>expired_token</c>.</summary>
    /// <exception cref="ArgumentException">No device request has this user code.</exception>
    public void ExpireDevice(string userCode)
    {
        lock (_lock)
        {
            Grant(userCode).ExpiresAt = DateTimeOffset.MinValue;
        }
    }

    /// <summary>
    /// The user code of the oldest device request still pending (neither decided nor expired), waiting up to
    /// <paramref name="timeout"/> for one to arrive, so that a test can approve a CLI's login without reading
    /// its output. The same code comes back until it is decided.
    /// </summary>
    /// <exception cref="TimeoutException">No pending device request within <paramref name="timeout"/>.</exception>
    public async Task<string> WaitForUserCodeAsync(TimeSpan timeout)
    {
        using var timer = new CancellationTokenSource(timeout);
        while (true)
        {
            Task requested;
            lock (_lock)
            {
                var now = DateTimeOffset.UtcNow;
                var pending = _deviceGrants.Find(g => g.State == DeviceState.Pending && now < g.ExpiresAt);
                if (pending is not null)
                {
                    return pending.UserCode;
                }

                requested = _deviceRequested.Task;
            }

            try
            {
                await requested.WaitAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (timer.IsCancellationRequested)
            {
                throw new TimeoutException($"no pending device authorization request within {timeout.TotalSeconds:0.###} s ({DeviceRequests} device requests so far)", e);
            }
        }
    }

    /// <summary>Stops the issuer; a second call does nothing (a test may stop it early, to see the IdP down).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Segment(IDictionary<string, object> json) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(json));

    /// <summary>Completed (asynchronously, outside the lock) each time a device request arrives; then replaced.</summary>
    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>8 letters, shown as <c>XXXX-XXXX</c>, the way a user would type them off a terminal.</summary>
    private static string NewUserCode()
    {
        var letters = RandomNumberGenerator.GetString(UserCodeAlphabet, 8);
        return $"{letters[..4]}-{letters[4..]}";
    }

    /// <summary>
    /// The user code as it is stored: the letters upper-cased and regrouped, so that <c>bcdf ghjk</c> finds
    /// <c>BCDF-GHJK</c>, as a verification page would accept it (RFC 8628 §6.1).
    /// </summary>
    private static string NormalizeUserCode(string userCode)
    {
        var letters = new string([.. userCode.Where(char.IsAsciiLetter).Select(char.ToUpperInvariant)]);
        return letters.Length == 8 ? $"{letters[..4]}-{letters[4..]}" : letters;
    }

    /// <summary>An OAuth error response (RFC 6749 §5.2, RFC 8628 §3.5): 400 unless told otherwise.</summary>
    private static IResult OAuthError(string error, string description, int statusCode = StatusCodes.Status400BadRequest) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: statusCode);

    /// <summary>
    /// <c>invalid_client</c> is 401 on both endpoints: RFC 6749 §5.2 allows it, and the client learns the same way
    /// that it is not known, wherever it asks.
    /// </summary>
    private static IResult InvalidClient(string clientId) =>
        OAuthError("invalid_client", clientId.Length == 0 ? "client_id is missing" : $"unknown client '{clientId}'", StatusCodes.Status401Unauthorized);

    private static async Task<IFormCollection?> ReadFormAsync(HttpRequest request) =>
        request.HasFormContentType ? await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false) : null;

    private bool IsClient(string clientId) => clientId.Length > 0 && string.Equals(clientId, ClientId, StringComparison.Ordinal);

    /// <summary>The device request with this user code. Called under the lock.</summary>
    private DeviceGrant Grant(string userCode)
    {
        ArgumentNullException.ThrowIfNull(userCode);
        return _byUserCode.TryGetValue(NormalizeUserCode(userCode), out var grant)
            ? grant
            : throw new ArgumentException($"no device request has the user code '{userCode}'", nameof(userCode));
    }

    /// <summary>The device request with this user code, which the user may still decide. Called under the lock.</summary>
    private DeviceGrant PendingGrant(string userCode)
    {
        var grant = Grant(userCode);
        if (grant.State != DeviceState.Pending)
        {
            throw new InvalidOperationException($"the device request '{grant.UserCode}' is {grant.State.ToString().ToLowerInvariant()} already");
        }

        return DateTimeOffset.UtcNow < grant.ExpiresAt
            ? grant
            : throw new InvalidOperationException($"the device request '{grant.UserCode}' has expired");
    }

    /// <summary>RFC 8628 §3.1–3.2: a new device code and user code for a known public client.</summary>
    private async Task<IResult> DeviceAuthorizationAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _deviceRequests);
        var form = await ReadFormAsync(request).ConfigureAwait(false);
        if (form is null)
        {
            return OAuthError("invalid_request", "the request must be application/x-www-form-urlencoded");
        }

        var clientId = form["client_id"].ToString();
        if (!IsClient(clientId))
        {
            return InvalidClient(clientId);
        }

        var lifetime = DeviceCodeLifetime;
        var interval = Math.Max(0, PollInterval);
        var deviceCode = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        string userCode;
        TaskCompletionSource requested;
        lock (_lock)
        {
            do
            {
                userCode = NewUserCode();
            }
            while (_byUserCode.ContainsKey(userCode));

            var grant = new DeviceGrant(deviceCode, userCode, clientId, TimeSpan.FromSeconds(interval)) { ExpiresAt = DateTimeOffset.UtcNow + lifetime };
            _deviceGrants.Add(grant);
            _byDeviceCode.Add(deviceCode, grant);
            _byUserCode.Add(userCode, grant);
            requested = _deviceRequested;
            _deviceRequested = NewSignal();
        }

        requested.TrySetResult();
        return Results.Json(new Dictionary<string, object>
        {
            ["device_code"] = deviceCode,
            ["user_code"] = userCode,
            ["verification_uri"] = $"{Issuer}/activate",
            ["verification_uri_complete"] = $"{Issuer}/activate?user_code={userCode}",
            ["expires_in"] = (long)lifetime.TotalSeconds,
            ["interval"] = interval,
        });
    }

    /// <summary>
    /// RFC 8628 §3.4–3.5: the client polls with its device code. Tokens once the user approved, each device code
    /// redeemed once; until then <c>authorization_pending</c>, or <c>slow_down</c> when this poll came sooner than
    /// the announced interval after the previous one (the first poll is never too soon; the IdP does not lengthen
    /// the interval itself after a <c>slow_down</c>, which is the client's duty).
    /// </summary>
    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _tokenRequests);
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        var form = await ReadFormAsync(request).ConfigureAwait(false);
        if (form is null)
        {
            return OAuthError("invalid_request", "the request must be application/x-www-form-urlencoded");
        }

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0)
        {
            return OAuthError("invalid_request", "grant_type is missing");
        }

        if (!string.Equals(grantType, DeviceCodeGrantType, StringComparison.Ordinal))
        {
            return OAuthError("unsupported_grant_type", $"grant_type '{grantType}' is not supported here; only {DeviceCodeGrantType}");
        }

        var clientId = form["client_id"].ToString();
        if (!IsClient(clientId))
        {
            return InvalidClient(clientId);
        }

        var deviceCode = form["device_code"].ToString();
        if (deviceCode.Length == 0)
        {
            return OAuthError("invalid_request", "device_code is missing");
        }

        Dictionary<string, object> claims;
        lock (_lock)
        {
            if (!_byDeviceCode.TryGetValue(deviceCode, out var grant))
            {
                return OAuthError("invalid_grant", "unknown device code");
            }

            if (grant.State == DeviceState.Redeemed)
            {
                return OAuthError("invalid_grant", "the device code was redeemed already");
            }

            if (!string.Equals(grant.ClientId, clientId, StringComparison.Ordinal))
            {
                return OAuthError("invalid_grant", "the device code was issued to another client");
            }

            var now = DateTimeOffset.UtcNow;
            var previousPoll = grant.LastPoll;
            grant.LastPoll = now;
            if (now >= grant.ExpiresAt)
            {
                return OAuthError("expired_token", "the device code has expired; start a new login");
            }

            switch (grant.State)
            {
                case DeviceState.Denied:
                    return OAuthError("access_denied", "the user denied the request");
                case DeviceState.Pending when grant.Interval > TimeSpan.Zero && previousPoll is { } previous && now - previous < grant.Interval:
                    return OAuthError("slow_down", $"poll at most every {grant.Interval.TotalSeconds:0} s");
                case DeviceState.Pending:
                    return OAuthError("authorization_pending", "the user has not decided yet");
                default:
                    grant.State = DeviceState.Redeemed;
                    claims = grant.Claims!;
                    break;
            }
        }

        var expires = DateTime.UtcNow.AddSeconds(TokenLifetimeSeconds);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = Mint(claims, audience: Audience, expires: expires),
            ["id_token"] = Mint(claims, audience: clientId, expires: expires),
            ["token_type"] = "Bearer",
            ["expires_in"] = TokenLifetimeSeconds,
        });
    }

    /// <summary>The verification page, for a human who opens the link; the tests decide through the methods instead.</summary>
    private IResult Activate(HttpRequest request)
    {
        var userCode = request.Query["user_code"].ToString();
        string state;
        lock (_lock)
        {
            state = userCode.Length == 0 ? "no user code given"
                : _byUserCode.TryGetValue(NormalizeUserCode(userCode), out var grant) ? $"{grant.UserCode}: {grant.State.ToString().ToLowerInvariant()}"
                : $"{userCode}: unknown";
        }

        return Results.Text($"Airlock test identity provider. The test approves or denies device logins; nothing to do here.\n{state}\n");
    }

    private IResult Discovery()
    {
        Interlocked.Increment(ref _discoveryRequests);
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = AdvertisedIssuer ?? Issuer,
            ["jwks_uri"] = $"{Issuer}/jwks",
            ["authorization_endpoint"] = $"{Issuer}/authorize",
            ["token_endpoint"] = $"{Issuer}/token",
            ["device_authorization_endpoint"] = $"{Issuer}/device",
            ["grant_types_supported"] = new[] { "authorization_code", DeviceCodeGrantType },
            ["token_endpoint_auth_methods_supported"] = new[] { "none" },
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

    /// <summary>One device authorization request and what became of it. Its mutable state is guarded by the IdP's lock.</summary>
    private sealed class DeviceGrant(string deviceCode, string userCode, string clientId, TimeSpan interval)
    {
        public string DeviceCode { get; } = deviceCode;

        public string UserCode { get; } = userCode;

        public string ClientId { get; } = clientId;

        /// <summary>The interval announced to the client; polls sooner than this after the previous one are slow_down.</summary>
        public TimeSpan Interval { get; } = interval;

        public DateTimeOffset ExpiresAt { get; set; }

        public DeviceState State { get; set; } = DeviceState.Pending;

        public Dictionary<string, object>? Claims { get; set; }

        public DateTimeOffset? LastPoll { get; set; }
    }
}
