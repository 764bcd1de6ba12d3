using System.Security.Cryptography;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// The ECDSA P-256 key that signs checkpoints. Configured as a PEM file (PKCS#8 or SEC1 "EC PRIVATE KEY");
/// the demo generates one. Only its public half is needed to verify (<see cref="ExportPublicKeyPem"/>).
/// </summary>
public sealed class AuditSigningKey : IDisposable
{
    private readonly ECDsa _key;

    private AuditSigningKey(ECDsa key)
    {
        _key = key;
        PublicKey = AuditVerifyingKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The public half, with its key id.</summary>
    public AuditVerifyingKey PublicKey { get; }

    public string KeyId => PublicKey.KeyId;

    public static AuditSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Loads a private key from PEM text; throws <see cref="AuditKeyException"/> with <see cref="AuditErrors.BadSigningKey"/> otherwise.</summary>
    public static AuditSigningKey FromPem(string pem, string source)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new AuditKeyException($"{source}: not an EC private key in PEM form (expected -----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)", ex);
        }

        if (key.KeySize != 256 || key.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new AuditKeyException($"{source}: the audit signing key must be ECDSA P-256, found a {key.KeySize}-bit key on another curve");
        }

        try
        {
            // A public key alone imports without error but cannot sign.
            key.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException ex)
        {
            key.Dispose();
            throw new AuditKeyException($"{source}: this is a public key; the gateway needs the private key to sign checkpoints", ex);
        }

        return new AuditSigningKey(key);
    }

    public static AuditSigningKey Load(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AuditKeyException($"{path}: the audit signing key cannot be read ({ex.Message})", ex);
        }

        return FromPem(pem, path);
    }

    public string ExportPrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    public string ExportPublicKeyPem() => PublicKey.ExportPem();

    /// <summary>Signs a checkpoint of the chain head.</summary>
    public AuditCheckpointRow SignCheckpoint(long id, long seq, byte[] headHash, long timeMicros)
    {
        var payload = CheckpointPayload.For(id, seq, headHash, timeMicros, KeyId);
        return new AuditCheckpointRow
        {
            Id = id,
            Seq = seq,
            HeadHash = headHash,
            TimeMicros = timeMicros,
            KeyId = KeyId,
            Signature = _key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation),
        };
    }

    public void Dispose() => _key.Dispose();
}
