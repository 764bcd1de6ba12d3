using Airlock.Gateway.Configuration;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Airlock.Gateway.Identity;

/// <summary>
/// One issuer's discovery document and keys (JWKS): fetched on first use, again once
/// <see cref="OidcConfig.AutomaticRefreshInterval"/> has passed, and on demand when a token names a kid the
/// keys lack (<see cref="RefreshAsync"/>), at most once per <see cref="OidcConfig.MinimumKeyRefreshInterval"/>.
/// </summary>
/// <remarks>
/// Not <c>ConfigurationManager&lt;T&gt;</c>: since IdentityModel 8 its <c>RequestRefresh()</c> only signals a
/// background thread and the next <c>GetConfigurationAsync</c> still returns the old keys, so "refresh, then
/// retry once" would need a wait. Here the refresh is awaited, single-flight, and throttled on an injected
/// <see cref="TimeProvider"/>. The fetching itself is IdentityModel's (<see cref="OpenIdConnectConfigurationRetriever"/>
/// over <see cref="HttpDocumentRetriever"/>, which also refuses http when https is required).
/// A failed fetch keeps the keys already held (an IdP outage does not log everyone out), but with none held,
/// every token is refused (<see cref="GatewayErrors.IdpUnavailable"/>): fail closed.
/// </remarks>
internal sealed class OidcMetadataSource(OidcConfig config, IDocumentRetriever documents, TimeProvider time)
{
    private readonly SemaphoreSlim _fetchLock = new(1, 1);
    private volatile Snapshot? _current;
    private DateTimeOffset? _lastAttempt;
    private string? _lastError;

    /// <summary>How many fetches were attempted (for tests and diagnostics).</summary>
    public int FetchCount { get; private set; }

    /// <summary>The configuration in force, fetched when none is held or it is due for its automatic refresh.</summary>
    /// <exception cref="OidcMetadataException">No configuration is held and none could be fetched.</exception>
    public async Task<OpenIdConnectConfiguration> GetAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.FetchedAt + config.AutomaticRefreshInterval)
        {
            return current.Configuration;
        }

        return await FetchAsync(forced: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches again now, unless a fetch was attempted less than <see cref="OidcConfig.MinimumKeyRefreshInterval"/>
    /// ago; returns the configuration in force afterwards either way.
    /// </summary>
    /// <exception cref="OidcMetadataException">No configuration is held and none could be fetched.</exception>
    public Task<OpenIdConnectConfiguration> RefreshAsync(CancellationToken cancellationToken) => FetchAsync(forced: true, cancellationToken);

    private async Task<OpenIdConnectConfiguration> FetchAsync(bool forced, CancellationToken cancellationToken)
    {
        await _fetchLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            var current = _current;

            // Another caller may have fetched while this one waited for the lock.
            if (!forced && current is not null && now < current.FetchedAt + config.AutomaticRefreshInterval)
            {
                return current.Configuration;
            }

            if (_lastAttempt is { } last && now < last + config.MinimumKeyRefreshInterval)
            {
                return current?.Configuration ?? throw new OidcMetadataException(_lastError ?? "a fetch was attempted moments ago");
            }

            var previousAttempt = _lastAttempt;
            _lastAttempt = now;
            FetchCount++;
            try
            {
                var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(config.MetadataAddress, documents, cancellationToken).ConfigureAwait(false);
                Check(configuration);
                _current = new Snapshot(configuration, now);
                _lastError = null;
                return configuration;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The caller gave up; that says nothing about the IdP, so the next caller may fetch at once.
                _lastAttempt = previousAttempt;
                throw;
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or ArgumentException or InvalidOperationException or System.Text.Json.JsonException or OperationCanceledException or OidcMetadataException)
            {
                _lastError = Describe(ex);
                return current?.Configuration ?? throw new OidcMetadataException(_lastError, ex);
            }
        }
        finally
        {
            _fetchLock.Release();
        }
    }

    private void Check(OpenIdConnectConfiguration configuration)
    {
        // OpenID Connect Discovery 1.0 §4.3: the issuer in the document must be identical to the one it was read for.
        if (!string.Equals(configuration.Issuer, config.Issuer, StringComparison.Ordinal))
        {
            throw new OidcMetadataException($"the discovery document at {config.MetadataAddress} names issuer '{OidcText.Shown(configuration.Issuer)}', not the configured '{config.Issuer}'");
        }

        if (configuration.SigningKeys.Count == 0)
        {
            throw new OidcMetadataException($"the IdP publishes no signing keys (jwks_uri {OidcText.Shown(configuration.JwksUri)})");
        }
    }

    private string Describe(Exception ex)
    {
        if (ex is OidcMetadataException)
        {
            return ex.Message;
        }

        // HttpDocumentRetriever wraps the transport error (connection refused, a 404) in an IOException.
        var inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var detail = OidcText.FirstLine(inner.Message);
        return $"{config.MetadataAddress} (or its jwks_uri) could not be read: {detail}";
    }

    private sealed record Snapshot(OpenIdConnectConfiguration Configuration, DateTimeOffset FetchedAt);
}

/// <summary>The IdP's discovery or keys could not be had; the message says why, without any token.</summary>
internal sealed class OidcMetadataException : Exception
{
    public OidcMetadataException(string message)
        : base(message)
    {
    }

    public OidcMetadataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
