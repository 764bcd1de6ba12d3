using System.Security.Cryptography;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Secrets;

namespace Airlock.Gateway.Identity;

/// <summary>
/// Checks a bearer token against the admin tokens (<c>admin.tokens</c>): who may call the admin API. Every
/// configured hash is compared, in constant time, whatever matched first.
/// </summary>
public sealed class AdminTokenAuthenticator
{
    private readonly (string Name, byte[] Hash)[] _tokens;

    /// <summary>An authenticator over admin token names and the SHA-256 of each token.</summary>
    public AdminTokenAuthenticator(IEnumerable<KeyValuePair<string, byte[]>> tokenHashes)
    {
        ArgumentNullException.ThrowIfNull(tokenHashes);
        _tokens = [.. tokenHashes.Select(t => t.Value is { Length: TokenHash.Length }
            ? (t.Key, t.Value.ToArray())
            : throw new ArgumentException($"the hash of admin token '{t.Key}' is not a SHA-256", nameof(tokenHashes)))];
    }

    public int Count => _tokens.Length;

    /// <summary>The configuration's <c>admin.tokens</c>, reading referenced tokens now.</summary>
    /// <exception cref="GatewayException">A referenced token cannot be read (<see cref="GatewayErrors.SecretUnresolved"/>).</exception>
    public static AdminTokenAuthenticator FromConfig(GatewayConfig config, SecretResolver secrets)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new AdminTokenAuthenticator(config.Admin.Tokens.Select(t => KeyValuePair.Create(t.Name, t.Token.ResolveSha256(secrets))));
    }

    /// <summary>The admin token's name when <paramref name="token"/> is one of them; null otherwise (also when none are configured).</summary>
    public string? Authenticate(ReadOnlySpan<char> token)
    {
        Span<byte> presented = stackalloc byte[TokenHash.Length];
        TokenHash.Compute(token, presented);
        string? match = null;
        foreach (var (name, hash) in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, hash) && match is null)
            {
                match = name;
            }
        }

        return token.IsEmpty ? null : match;
    }
}
