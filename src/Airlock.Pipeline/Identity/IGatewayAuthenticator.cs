namespace Airlock.Pipeline;

/// <summary>Checks the secret a client presented (a static token now; OIDC later). Returns null when it is wrong.</summary>
public interface IGatewayAuthenticator
{
    ValueTask<GatewayUser?> AuthenticateAsync(string user, string secret, CancellationToken cancellationToken);
}
