namespace Airlock.Audit;

/// <summary>
/// One audit event, as the pipeline builds it. The trail numbers it, stamps the time, redacts its free
/// text and stores its canonical form (<see cref="AuditEventJson"/>). It never holds result values:
/// there is no field for them.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>What happened: one of <see cref="AuditEventKinds"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Set by the trail at append when left default.</summary>
    public DateTimeOffset Time { get; init; }

    public string? SessionId { get; init; }

    /// <summary>For an outcome: the sequence number of its intent event.</summary>
    public long? IntentSeq { get; init; }

    public string? User { get; init; }

    public IReadOnlyList<string>? Groups { get; init; }

    public bool? Mfa { get; init; }

    public string? Resource { get; init; }

    /// <summary>The client's address (ip:port).</summary>
    public string? Client { get; init; }

    /// <summary><c>sql</c>, <c>command</c> or <c>http</c>.</summary>
    public string? ActionType { get; init; }

    /// <summary>Normalized statement text (literals replaced), or argv, or method and path. Redacted again before storing.</summary>
    public string? Text { get; init; }

    /// <summary>The statement kind (e.g. <c>select</c>, <c>delete</c>).</summary>
    public string? StatementKind { get; init; }

    public IReadOnlyList<string>? Tables { get; init; }

    /// <summary><c>allow</c>, <c>deny</c> or <c>review</c>.</summary>
    public string? Decision { get; init; }

    /// <summary>The deciding rule's id.</summary>
    public string? Rule { get; init; }

    public string? PolicyRevision { get; init; }

    public long? Rows { get; init; }

    /// <summary>Masked field counts per entity type (e.g. <c>email: 3</c>).</summary>
    public IReadOnlyDictionary<string, long>? Masked { get; init; }

    public long? DurationMicros { get; init; }

    /// <summary><c>ok</c>, <c>error</c>, <c>denied</c>, <c>held</c>, <c>cancelled</c>…</summary>
    public string? Outcome { get; init; }

    /// <summary>SQLSTATE or Airlock error id.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The error message, redacted before storing.</summary>
    public string? Error { get; init; }

    /// <summary>Anything else the kind needs (policy file, admin target…). Values are redacted before storing.</summary>
    public IReadOnlyDictionary<string, string>? Detail { get; init; }
}
