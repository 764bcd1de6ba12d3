namespace Airlock.Store;

/// <summary>
/// One stored audit event. <see cref="Body"/> (canonical JSON) is the record; <see cref="Hash"/> chains it.
/// The other fields are copies of body fields kept in columns so that search can use indexes; verify
/// checks that they agree with the body.
/// </summary>
public sealed record AuditRow
{
    public required long Seq { get; init; }

    public required long TimeMicros { get; init; }

    public required string Kind { get; init; }

    public string? User { get; init; }

    public string? Resource { get; init; }

    public string? Decision { get; init; }

    public string? SessionId { get; init; }

    public required byte[] Body { get; init; }

    public required byte[] Hash { get; init; }

    /// <summary>
    /// Set when the stored row is malformed (a NULL, or a value of the wrong type, in any column): what is wrong.
    /// The other fields are then placeholders. The schema forbids such a row, so only an edit of the store makes
    /// one; readers report it (verify as tampering, AL0738) rather than fail on it.
    /// </summary>
    public string? Defect { get; init; }
}
