using System.Security.Cryptography;
using System.Text;

namespace Airlock.Postgres.Upstream;

/// <summary>
/// The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677), as PostgreSQL uses it
/// (https://www.postgresql.org/docs/15/sasl-authentication.html): no channel binding, and an empty user
/// name in the messages (the server takes the startup packet's user).
/// </summary>
internal sealed class ScramSha256Client(string password)
{
    public const string Mechanism = "SCRAM-SHA-256";

    private readonly string _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string? _clientFirstBare;
    private byte[]? _expectedServerSignature;

    public byte[] ClientFirst()
    {
        _clientFirstBare = "n=,r=" + _clientNonce;
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    public byte[] ClientFinal(ReadOnlySpan<byte> serverFirstBytes)
    {
        var serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
        string? nonce = null, salt = null;
        var iterations = 0;
        foreach (var part in serverFirst.Split(','))
        {
            if (part.StartsWith("r=", StringComparison.Ordinal))
            {
                nonce = part[2..];
            }
            else if (part.StartsWith("s=", StringComparison.Ordinal))
            {
                salt = part[2..];
            }
            else if (part.StartsWith("i=", StringComparison.Ordinal))
            {
                _ = int.TryParse(part[2..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out iterations);
            }
        }

        // The server's nonce must extend ours (RFC 5802 §5.1); a bounded iteration count keeps a hostile server from burning CPU.
        if (nonce is null || salt is null || iterations is < 1 or > 1_000_000 || !nonce.StartsWith(_clientNonce, StringComparison.Ordinal))
        {
            throw new UpstreamAuthenticationException("the server's SCRAM challenge is malformed");
        }

        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(salt), iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var withoutProof = "c=biws,r=" + nonce;
        var authMessage = Encoding.UTF8.GetBytes(_clientFirstBare + "," + serverFirst + "," + withoutProof);
        var clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        for (var i = 0; i < clientKey.Length; i++)
        {
            clientKey[i] ^= clientSignature[i];
        }

        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        _expectedServerSignature = HMACSHA256.HashData(serverKey, authMessage);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(clientKey));
    }

    /// <summary>Checks the server's final message: it proves the server knew the password too.</summary>
    public void VerifyServerFinal(ReadOnlySpan<byte> serverFinalBytes)
    {
        var serverFinal = Encoding.UTF8.GetString(serverFinalBytes);
        if (_expectedServerSignature is null || !serverFinal.StartsWith("v=", StringComparison.Ordinal)
            || !CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(serverFinal[2..].Split(',')[0]), _expectedServerSignature))
        {
            throw new UpstreamAuthenticationException("the server's SCRAM signature does not verify: it is not the server that holds this password");
        }
    }
}
