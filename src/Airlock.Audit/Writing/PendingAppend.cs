namespace Airlock.Audit;

/// <summary>One queued event and what became of it. Written by the leader, read by the appender after the writer slot's release (which orders the memory).</summary>
internal sealed class PendingAppend(AuditEvent auditEvent)
{
    private AuditReceipt _receipt;
    private AuditUnavailableException? _failure;

    public AuditEvent Event { get; } = auditEvent;

    public bool Done { get; private set; }

    public bool Failed => _failure is not null;

    public void Assign(long seq, Guid id, DateTimeOffset time) => _receipt = new AuditReceipt(seq, id, time);

    public void Complete() => Done = true;

    public void Fail(AuditUnavailableException failure)
    {
        _failure = failure;
        Done = true;
    }

    public AuditReceipt Receipt() => _failure is null ? _receipt : throw _failure;
}
