using System.Security.Cryptography.X509Certificates;
using Airlock.Audit;
using Airlock.Gateway.Admin;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Identity;
using Airlock.Gateway.Notifications;
using Airlock.Gateway.Policies;
using Airlock.Gateway.Secrets;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy.Evaluation;
using Airlock.Postgres.Proxy;
using Airlock.Postgres.Upstream;
using Airlock.Store;

namespace Airlock.Gateway.Hosting;

/// <summary>
/// The running gateway (<c>airlock serve</c>): composes, in start order,
/// <code>
///  store (migrated) ─► audit trail (signing key) ─► policy host (bundle, hot reload, last good)
///     ─► sessions (limits, kills) ─► PostgreSQL listener ─► admin API (HTTP)
/// </code>
/// and stops them in reverse. Everything a connection needs reaches it through <see cref="PgGatewayServices"/>.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _stopOrder = [];
    private readonly List<string> _stopFaults = [];
    private readonly List<string> _storeWarnings = [];
    private MaskingCache? _masking;

    private Microsoft.Extensions.Logging.ILogger? _log;

    private GatewayHost(GatewayConfig config) => Config = config;

    public GatewayConfig Config { get; }

    /// <summary>The gateway's clock (tests move it).</summary>
    public TimeProvider Time { get; private set; } = TimeProvider.System;

    public IAirlockStore Store { get; private set; } = null!;

    public AuditTrail Audit { get; private set; } = null!;

    public PolicyHost Policy { get; private set; } = null!;

    public SessionRegistry Sessions { get; private set; } = null!;

    /// <summary>Checks a user's own token (psql's password; the reviews API's Basic credentials).</summary>
    public IGatewayAuthenticator Users { get; private set; } = null!;

    /// <summary>Validates the IdP's tokens when <c>oidc:</c> is configured; null otherwise.</summary>
    public OidcTokenValidator? Oidc { get; private set; }

    /// <summary>MFA step-up with TOTP, for users whose config entry has a <c>totp</c> secret.</summary>
    public MfaStepUp StepUp { get; private set; } = null!;

    /// <summary>API tokens for automation (scoped, expiring, revocable).</summary>
    public ApiTokens Tokens { get; private set; } = null!;

    /// <summary>Airlock session tokens that <c>airlock login</c> exchanges an IdP token for.</summary>
    public LoginTokens Logins { get; private set; } = null!;

    /// <summary>Approval requests for actions policy holds for review.</summary>
    public ActionApprovals Approvals { get; private set; } = null!;

    public PgGatewayListener Postgres { get; private set; } = null!;

    public AdminApi? AdminApi { get; private set; }

    /// <summary>Parts that failed to stop cleanly (shown by <c>airlock serve</c> on exit).</summary>
    public IReadOnlyList<string> StopFaults => _stopFaults;

    /// <summary>Starts everything; on any failure, stops what had started and rethrows.</summary>
    /// <param name="config">The checked configuration.</param>
    /// <param name="time">The clock (tests move it).</param>
    /// <param name="cancellationToken">Stops the start.</param>
    /// <param name="log">Where parts that work in the background report what went wrong (webhook deliveries); nowhere when null.</param>
    public static async Task<GatewayHost> StartAsync(GatewayConfig config, TimeProvider? time = null, CancellationToken cancellationToken = default, Microsoft.Extensions.Logging.ILogger? log = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        time ??= TimeProvider.System;
        var host = new GatewayHost(config) { _log = log };
        try
        {
            await host.StartPartsAsync(time, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _stopOrder.Count - 1; i >= 0; i--)
        {
            try
            {
                await _stopOrder[i].DisposeAsync();
            }
#pragma warning disable CA1031 // Stopping goes on through every part, whatever one of them throws.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Best effort on the way out; the store and trail are stopped last so the shutdown is recorded.
                _stopFaults.Add($"{_stopOrder[i].GetType().Name}: {ex.Message}");
            }
        }

        _stopOrder.Clear();
    }

    private async Task StartPartsAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        Time = time;
        var secrets = new SecretResolver(baseDirectory: Path.GetDirectoryName(Path.GetFullPath(Config.SourceFile)));

        Store = await StoreFactory.OpenAsync(new StoreOptions { Location = Config.Store, Durability = Config.Audit.Durability, Warning = StoreWarning }, cancellationToken);
        _stopOrder.Add(Store);

        var key = Config.Audit.SigningKey is { } configured ? AuditSigningKey.FromPem(secrets.Resolve(configured.Reference), configured.ToString()) : null;
        Audit = new AuditTrail(Store, key, Config.Audit.ToTrailOptions(), time: time);
        _stopOrder.Add(Audit);

        Policy = new PolicyHost(new PolicyHostOptions { Directory = Config.PolicyDirectory }, Store, Audit, time);
        await Policy.StartAsync(cancellationToken);
        _stopOrder.Add(Policy);

        Sessions = new SessionRegistry(Config.Instance, Store, Audit, () => Policy.Current, time);
        _stopOrder.Add(Sessions);

        // Before the listener and after the store: stopped (drained) once nothing makes approvals any more.
        var notifier = Config.Webhooks.Count > 0 ? WebhookNotifier.FromConfig(Config, secrets, time, _log) : null;
        if (notifier is not null)
        {
            _stopOrder.Add(notifier);
        }

        Tokens = new ApiTokens(Store, Audit, time) { Revoked = Sessions.EndCredentialSessionsAsync, ResourceExists = r => Policy.Current.TryGetResource(r, out _) };
        Logins = new LoginTokens(Store, Audit, time) { Revoked = Sessions.EndCredentialSessionsAsync };
        Sessions.CredentialsRevokedSince = async (since, cancellationToken) =>
            (IReadOnlyCollection<string>)[.. await Store.ApiTokens.ListRevokedSinceAsync(since, cancellationToken), .. await Store.LoginTokens.ListRevokedSinceAsync(since, cancellationToken)];
        if (Config.Oidc is { } oidcConfig)
        {
            Oidc = new OidcTokenValidator(oidcConfig, time);
            _stopOrder.Add(new DisposeOnStop(Oidc));
        }

        StepUp = new MfaStepUp(
            Config.Users.Where(u => u.Totp is not null).ToDictionary(u => u.Name, u => Totp.FromBase32(secrets.Resolve(u.Totp!.Reference).Trim()), StringComparer.Ordinal),
            Store,
            Audit,
            time);
        if (StepUp.Configured)
        {
            // Only then can anyone step up: otherwise sessions skip the lookup on every statement.
            Sessions.MfaFreshSince = StepUp.FreshSince;
            Sessions.RefreshStepUps = StepUp.RefreshAsync;
        }

        _masking = new MaskingCache(() => Policy.Current);
        var users = StaticTokenAuthenticator.FromConfig(Config, secrets);
        var services = new PgGatewayServices
        {
            Policy = () => Policy.Current,
            Masking = _masking.Current,
            Gate = new StatementGate(() => Policy.Current, time),
            Sessions = Sessions,
            Audit = Audit,
            // psql logs in with a user's own token (static, or airlock login's), an API token, or an IdP token;
            // the admin API takes only a person's own (Users): an API token approves nothing.
            Authenticator = new UserOrApiToken(Users = new PersonalTokens(users, Logins), Tokens, Oidc, Audit),
            Approvals = Approvals = new ActionApprovals(Store, Audit, () => Policy.Current, _masking.Current, time)
            {
                Notifier = notifier,
                MaxPendingPerUser = Config.MaxPendingPerUser,
                GrantsChanged = (user, cancellationToken) => Sessions.RefreshGrantsAsync(user, cancellationToken),
                LastMfa = LastMfaAsync,
            },
            ResolveUpstream = resource => ResolveUpstream(resource, secrets),
            Time = time,
        };
        // Expiries are recorded (and notified) when they happen, not when someone next looks.
        _stopOrder.Add(new ApprovalSweeper(Approvals, time, TimeSpan.FromSeconds(15)));
        _stopOrder.Add(services);

        Postgres = new PgGatewayListener(services, new PgGatewayOptions
        {
            Listen = Config.Listen.Postgres.ToEndPoint(),
            Certificate = Config.Tls is { } tls ? LoadCertificate(tls, secrets) : null,
            RequireTls = Config.Tls?.Require ?? false,
            MaxStatement = Config.Limits.MaxStatement,
            MaxUnauthenticated = Config.Limits.MaxUnauthenticated,
            LoginTimeout = Config.Limits.LoginTimeout,
        });
        Postgres.Start();
        _stopOrder.Add(Postgres);

        if (Config.Listen.Http is { } http)
        {
            AdminApi = await AdminApi.StartAsync(http, this, AdminTokenAuthenticator.FromConfig(Config, secrets), cancellationToken);
            _stopOrder.Add(AdminApi);
        }
    }

    /// <summary>
    /// When a person last proved MFA, for approvers' <c>mfa</c> freshness: the later of what their IdP said at
    /// login (<see cref="GatewayUser.MfaAt"/>) and their last TOTP step-up on any gateway sharing the store.
    /// </summary>
    internal async ValueTask<DateTimeOffset?> LastMfaAsync(GatewayUser user, CancellationToken cancellationToken)
    {
        var stepUp = StepUp.Configured ? await StepUp.LastStepUpAsync(user.Name, cancellationToken) : null;
        return stepUp is { } s && (user.MfaAt is not { } idp || s > idp) ? s : user.MfaAt;
    }

    /// <summary>What the store fixed on its own (a store file readable by others, made 0600): logged, and kept for <c>airlock serve</c> to show.</summary>
    private void StoreWarning(string id, string message)
    {
        _storeWarnings.Add(message);
        if (_log is { } log)
        {
            HostLog.StoreWarning(log, message);
        }
    }

    /// <summary>The store's warnings at start (AL1025: a file readable by others was made private).</summary>
    public IReadOnlyList<string> StoreWarnings => _storeWarnings;

    /// <summary>The resource's upstream from policy, with this gateway's override applied, and its password read now.</summary>
    private UpstreamTarget? ResolveUpstream(string resource, SecretResolver secrets)
    {
        var snapshot = Policy.Current;
        if (!snapshot.TryGetResource(resource, out var definition))
        {
            return null;
        }

        var connection = Config.Upstreams.TryGetValue(resource, out var over) ? over.ApplyTo(definition.Postgres) : definition.Postgres;
        if (connection is null)
        {
            return null;
        }

        string? password = null;
        if (connection.Password is { } reference && !secrets.TryResolve(reference, out password, out _))
        {
            return null;
        }

        return new UpstreamTarget(connection.Host, connection.Port, connection.Database, connection.User, password, connection.SslMode);
    }

    private static X509Certificate2 LoadCertificate(TlsConfig tls, SecretResolver secrets)
    {
        var certificate = X509Certificate2.CreateFromPem(secrets.Resolve(tls.Certificate.Reference), secrets.Resolve(tls.Key.Reference));

        // SslStream on Linux needs the key in a form it can use for the handshake: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    /// <summary>
    /// A login's password is tried as the user's own token (static or from <c>airlock login</c>), then as an API
    /// token, then (when it looks like a JWT and OIDC is configured) as a token of the IdP, whose user name must
    /// be the login's. An IdP token that fails is audited with its own reason (AL084x); a revoked or expired
    /// Airlock token throws its reason; the caller audits the failed login itself.
    /// </summary>
    private sealed class UserOrApiToken(IGatewayAuthenticator users, ApiTokens tokens, OidcTokenValidator? oidc, AuditTrail audit) : IGatewayAuthenticator
    {
        public async ValueTask<GatewayUser?> AuthenticateAsync(string user, string secret, CancellationToken cancellationToken)
        {
            var known = await users.AuthenticateAsync(user, secret, cancellationToken) ?? await tokens.AuthenticateAsync(user, secret, cancellationToken);
            if (known is not null)
            {
                return known;
            }

            if (oidc is null || secret.Count(c => c == '.') != 2)
            {
                return null;
            }

            var result = await oidc.ValidateAsync(secret, cancellationToken);
            if (result.Identity is { } identity)
            {
                return identity.UserName == user ? identity.ToGatewayUser() : null;
            }

            await audit.AppendAsync(OidcTokenValidator.AuthFailedEvent(result.Rejection!), cancellationToken);
            return null;
        }
    }

    /// <summary>A person's own credentials: a static user's token from the config, or an Airlock session token from <c>airlock login</c>.</summary>
    private sealed class PersonalTokens(StaticTokenAuthenticator users, LoginTokens logins) : IGatewayAuthenticator
    {
        public ValueTask<GatewayUser?> AuthenticateAsync(string user, string secret, CancellationToken cancellationToken) =>
            secret.StartsWith(LoginTokens.Prefix, StringComparison.Ordinal)
                ? logins.AuthenticateAsync(user, secret, cancellationToken)
                : ValueTask.FromResult(users.Authenticate(user, secret) is { } name ? new GatewayUser(name, [], Mfa: false) : null);
    }

    /// <summary>One masking engine per policy revision: its entity strategies come from the bundle.</summary>
    private sealed class MaskingCache(Func<PolicySnapshot> policy)
    {
        private (PolicySnapshot Snapshot, MaskingEngine Engine)? _current;

        public MaskingEngine Current()
        {
            var snapshot = policy();
            if (_current is { } cached && ReferenceEquals(cached.Snapshot, snapshot))
            {
                return cached.Engine;
            }

            var engine = new MaskingEngine(MaskingProfile.Default() with { Strategies = snapshot.Bundle.Masking.Entities });
            _current = (snapshot, engine);
            return engine;
        }
    }

    /// <summary>A disposable part in the stop order, which holds async disposables.</summary>
    private sealed class DisposeOnStop(IDisposable part) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            part.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
