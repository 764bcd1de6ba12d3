using System.Collections.Frozen;
using System.Security.Cryptography;
using Airlock.Gateway.Configuration;
using Airlock.Gateway.Secrets;

namespace Airlock.Gateway.Identity;

/// <summary>
/// Checks a static user's token (the demo's users, and small installations before OIDC): SHA-256 of the
/// presented token compared in constant time with the configured hash. It rejects a wrong token and an
/// unknown user alike, and an unknown user costs the same work (the hash is compared with a decoy), so
/// timing does not tell which user names exist.
/// </summary>
public sealed class StaticTokenAuthenticator
{
    private readonly FrozenDictionary<string, (string Name, byte[] Hash)> _users;
    private readonly byte[] _decoy = RandomNumberGenerator.GetBytes(TokenHash.Length);

    /// <summary>An authenticator over user names and the SHA-256 of each one's token.</summary>
    public StaticTokenAuthenticator(IEnumerable<KeyValuePair<string, byte[]>> tokenHashes)
    {
        ArgumentNullException.ThrowIfNull(tokenHashes);
        var users = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        foreach (var (name, hash) in tokenHashes)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(tokenHashes));
            if (hash is not { Length: TokenHash.Length })
            {
                throw new ArgumentException($"the token hash of user '{name}' is not a SHA-256 ({TokenHash.Length} bytes)", nameof(tokenHashes));
            }

            users[name] = (name, hash.ToArray());
        }

        _users = users.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The configured user names.</summary>
    public IReadOnlyCollection<string> Users => _users.Keys;

    /// <summary>The configuration's <c>users:</c>, reading referenced tokens now.</summary>
    /// <exception cref="GatewayException">A referenced token cannot be read (<see cref="GatewayErrors.SecretUnresolved"/>).</exception>
    public static StaticTokenAuthenticator FromConfig(GatewayConfig config, SecretResolver secrets)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new StaticTokenAuthenticator(config.Users.Where(u => u.Token is not null).Select(u => KeyValuePair.Create(u.Name, u.Token!.ResolveSha256(secrets))));
    }

    /// <summary>The user's name when <paramref name="token"/> is theirs; null for a wrong token or an unknown user.</summary>
    public string? Authenticate(string user, ReadOnlySpan<char> token)
    {
        ArgumentNullException.ThrowIfNull(user);
        Span<byte> presented = stackalloc byte[TokenHash.Length];
        TokenHash.Compute(token, presented);
        var known = _users.TryGetValue(user, out var entry);

        // Compare in every case, against a decoy for an unknown user, so both paths do the same work.
        var equal = CryptographicOperations.FixedTimeEquals(presented, known ? entry.Hash : _decoy);
        return known && equal && !token.IsEmpty ? entry.Name : null;
    }
}
