using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Airlock.Gateway.Identity;

/// <summary>SHA-256 of a presented token's UTF-8 bytes, without keeping the token's bytes around.</summary>
internal static class TokenHash
{
    public const int Length = SHA256.HashSizeInBytes;

    public static void Compute(ReadOnlySpan<char> token, Span<byte> hash)
    {
        var byteCount = Encoding.UTF8.GetMaxByteCount(token.Length);
        var rented = byteCount > 512 ? ArrayPool<byte>.Shared.Rent(byteCount) : null;
        var buffer = rented ?? stackalloc byte[512];
        try
        {
            var written = Encoding.UTF8.GetBytes(token, buffer);
            SHA256.HashData(buffer[..written], hash);
        }
        finally
        {
            // The token's bytes must not linger in a pooled array or on the stack.
            CryptographicOperations.ZeroMemory(buffer);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
