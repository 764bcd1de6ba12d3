using System.Security.Cryptography;
using System.Text;

namespace Airlock.Gateway.Demo;

/// <summary>
/// The SCRAM-SHA-256 secret PostgreSQL stores for a password (RFC 5802 §3, RFC 7677), computed here so that
/// <c>CREATE ROLE … PASSWORD</c> carries the verifier and never the password: nothing the server logs or
/// keeps can give it back. PostgreSQL takes a password already in this form as is
/// (https://www.postgresql.org/docs/15/sql-createrole.html, "PASSWORD").
/// </summary>
internal static class ScramVerifier
{
    /// <summary>PostgreSQL's own default (scram_sha_256_iterations in PostgreSQL 16, fixed in 15).</summary>
    public const int Iterations = 4096;

    /// <summary><c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>, each part in base64. The password must be ASCII (SASLprep leaves it as is).</summary>
    public static string Create(string password, byte[]? salt = null)
    {
        if (!password.All(char.IsAscii))
        {
            throw new ArgumentException("the demo password is ASCII, which SASLprep leaves unchanged", nameof(password));
        }

        salt ??= RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
