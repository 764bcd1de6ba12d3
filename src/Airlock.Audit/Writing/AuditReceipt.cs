namespace Airlock.Audit;

/// <summary>What an acknowledged append returns: the event is durable as the store's mode promises.</summary>
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct AuditReceipt(long Seq, Guid Id, DateTimeOffset Time)
{
    /// <summary>False only when <see cref="AuditTrailOptions.Required"/> is off and the store failed.</summary>
    public bool Recorded => Seq > 0;
}
