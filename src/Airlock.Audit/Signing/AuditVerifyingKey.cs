using System.Security.Cryptography;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>The public half of an audit signing key: all that <c>airlock audit verify</c> needs.</summary>
public sealed class AuditVerifyingKey : IDisposable
{
    private readonly ECDsa _key;
    private readonly byte[] _spki;

    private AuditVerifyingKey(ECDsa key, byte[] spki)
    {
        _key = key;
        _spki = spki;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(spki).AsSpan(0, 16));
    }

    /// <summary>The first 16 bytes of SHA-256 over the SubjectPublicKeyInfo, in hex: names the key in each checkpoint.</summary>
    public string KeyId { get; }

    public static AuditVerifyingKey FromSubjectPublicKeyInfo(byte[] spki)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        return new AuditVerifyingKey(key, spki);
    }

    /// <summary>Reads a public key (or a private key, whose public half is taken) from PEM text.</summary>
    public static AuditVerifyingKey FromPem(string pem, string source)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new AuditKeyException($"{source}: not an EC public key in PEM form (expected -----BEGIN PUBLIC KEY-----)", ex);
        }

        return FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    public static AuditVerifyingKey Load(string path)
    {
        try
        {
            return FromPem(File.ReadAllText(path), path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditKeyException($"{path}: the audit public key cannot be read ({ex.Message})", ex);
        }
    }

    public string ExportPem() => PemEncoding.WriteString("PUBLIC KEY", _spki);

    public bool Verify(AuditCheckpointRow checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var payload = CheckpointPayload.For(checkpoint.Id, checkpoint.Seq, checkpoint.HeadHash, checkpoint.TimeMicros, checkpoint.KeyId);
        return checkpoint.Signature.Length == 64
            && _key.VerifyData(payload, checkpoint.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public void Dispose() => _key.Dispose();
}
