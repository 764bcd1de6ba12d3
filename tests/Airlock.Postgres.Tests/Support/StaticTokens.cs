using Airlock.Pipeline;

namespace Airlock.Postgres.Tests.Support;

/// <summary>A hand-written authenticator: user → token.</summary>
public sealed class StaticTokens(IReadOnlyDictionary<string, string> tokens) : IGatewayAuthenticator
{
    public ValueTask<GatewayUser?> AuthenticateAsync(string user, string secret, CancellationToken cancellationToken) =>
        ValueTask.FromResult(tokens.TryGetValue(user, out var token) && token == secret ? new GatewayUser(user, [], Mfa: false) : null);
}
