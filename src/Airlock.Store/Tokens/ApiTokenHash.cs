using System.Security.Cryptography;
using System.Text;

namespace Airlock.Store;

/// <summary>Makes and hashes API token secrets.</summary>
public static class ApiTokenHash
{
    /// <summary>A new token: <c>alk_</c> and 43 base64url characters (256 random bits).</summary>
    public static string NewToken() =>
        "alk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Of(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
