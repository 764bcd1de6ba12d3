using System.Security.Cryptography;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// The hash chain: <c>hash(n) = SHA-256(hash(n-1) ‖ body(n))</c>, with 32 zero bytes before the first event.
/// Editing, inserting, deleting or reordering any event changes every hash after it; a signed checkpoint
/// pins the head so that rewriting the whole tail is caught too.
/// </summary>
public sealed class AuditChain : IDisposable
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public static ReadOnlyMemory<byte> Genesis { get; } = new byte[AuditChainHead.HashLength];

    /// <summary>Computes the next link into <paramref name="destination"/> (32 bytes).</summary>
    public void Next(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        _sha.AppendData(previous);
        _sha.AppendData(body);
        _sha.GetHashAndReset(destination);
    }

    public byte[] Next(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> body)
    {
        var hash = new byte[AuditChainHead.HashLength];
        Next(previous, body, hash);
        return hash;
    }

    public void Dispose() => _sha.Dispose();
}
