using System.Security.Cryptography;
using Airlock.Gateway.Secrets;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// How a static token is configured: either the SHA-256 of the token (<c>token_sha256</c>, 64 hex digits),
/// or a reference to the token itself (<c>token: env:NAME | file:PATH</c>). Never the token literally.
/// </summary>
public sealed record TokenCredential
{
    /// <summary>The SHA-256 of the token's UTF-8 bytes, when configured as <c>token_sha256</c>.</summary>
    public ReadOnlyMemory<byte>? Sha256 { get; init; }

    /// <summary>The token's reference, when configured as <c>token</c>.</summary>
    public ConfiguredSecret? Secret { get; init; }

    /// <summary>The SHA-256 to compare presented tokens with, reading the referenced token if need be.</summary>
    /// <exception cref="GatewayException">The reference cannot be read (<see cref="GatewayErrors.SecretUnresolved"/>).</exception>
    public byte[] ResolveSha256(SecretResolver secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (Sha256 is { } hash)
        {
            return hash.ToArray();
        }

        if (Secret is null)
        {
            throw new InvalidOperationException("a token credential has neither a hash nor a reference");
        }

        if (!secrets.TryResolve(Secret.Reference, out var token, out var error))
        {
            throw new GatewayException(GatewayErrors.SecretUnresolved, $"{Secret.Location}: {error}");
        }

        return SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));
    }
}
