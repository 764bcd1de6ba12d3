using System.Security.Cryptography;
using System.Text;

namespace Airlock.Store;

/// <summary>Makes and hashes token secrets (API tokens, Airlock session tokens).</summary>
public static class ApiTokenHash
{
    /// <summary>A new token: <paramref name="prefix"/> (<c>alk_</c> for API tokens) and 43 base64url characters (256 random bits).</summary>
    public static string NewToken(string prefix = "alk_") =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Of(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
