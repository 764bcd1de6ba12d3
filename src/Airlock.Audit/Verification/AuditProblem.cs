namespace Airlock.Audit;

/// <summary>The first thing verify found wrong: where (sequence number, or checkpoint id), which stable id, and why.</summary>
public sealed record AuditProblem(string ErrorId, long Seq, string Message)
{
    public override string ToString() => $"{ErrorId} at seq {Seq}: {Message}";
}
