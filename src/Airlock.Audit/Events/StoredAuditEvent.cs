namespace Airlock.Audit;

/// <summary>An event read back from the trail, with the number and id the trail gave it.</summary>
public sealed record StoredAuditEvent(long Seq, Guid Id, AuditEvent Event);
