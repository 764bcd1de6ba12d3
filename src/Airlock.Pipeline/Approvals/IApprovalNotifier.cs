using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// Hears of approval events as they happen, to tell people (webhooks). <see cref="Notify"/> must return at
/// once: it is called on a session's path and on an approver's request, so delivery happens elsewhere.
/// </summary>
public interface IApprovalNotifier
{
    void Notify(ApprovalNotification notification);
}

/// <summary>One approval event: <see cref="ApprovalEvents"/> names it; the request as it stands after it; who did it.</summary>
public sealed record ApprovalNotification(string Event, ApprovalRequestRecord Request, string? Actor, DateTimeOffset At);

/// <summary>The events a notifier hears, by their stable names (they appear in webhook payloads).</summary>
public static class ApprovalEvents
{
    public const string Created = "created";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Expired = "expired";
    public const string BreakGlass = "break_glass";

    public static IReadOnlyList<string> All { get; } = [Created, Approved, Denied, Expired, BreakGlass];
}
