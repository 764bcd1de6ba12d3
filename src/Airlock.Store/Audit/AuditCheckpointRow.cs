namespace Airlock.Store;

/// <summary>A signed statement that the chain had <see cref="HeadHash"/> at <see cref="Seq"/>.</summary>
public sealed record AuditCheckpointRow
{
    /// <summary>1, 2, 3…: a gap shows a deleted checkpoint.</summary>
    public required long Id { get; init; }

    public required long Seq { get; init; }

    public required byte[] HeadHash { get; init; }

    public required long TimeMicros { get; init; }

    /// <summary>Identifies the signing key: the first 16 bytes of SHA-256 over its SubjectPublicKeyInfo, in hex.</summary>
    public required string KeyId { get; init; }

    /// <summary>ECDSA P-256 over SHA-256, IEEE P1363 form (r‖s).</summary>
    public required byte[] Signature { get; init; }

    /// <summary>Set when the stored row is malformed (a NULL or a wrongly typed column): what is wrong. See <see cref="AuditRow.Defect"/>.</summary>
    public string? Defect { get; init; }
}
