using Airlock.Audit;
using Airlock.Policy.Evaluation;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// Limits on what a requester can pile up (issue 14, class I) and who sees which request (class H):
/// <list type="bullet">
/// <item>one pending request per exact action (or per grant on a resource): asking again returns the same
/// request, across gateways too (a unique index in the store, schema version 4);</item>
/// <item>at most <see cref="MaxPendingPerUser"/> pending action and access requests per requester; the next
/// is refused with <see cref="ApprovalErrors.TooManyPending"/> until some are decided or expire;</item>
/// <item>a request is seen by its requester and by whoever may decide it (the approver groups of its rule
/// or grant, as policy resolves them now); lists and lookups show nobody else's.</item>
/// </list>
/// </summary>
public sealed partial class ActionApprovals
{
    /// <summary>The default of <see cref="MaxPendingPerUser"/>.</summary>
    public const int DefaultMaxPendingPerUser = 20;

    /// <summary>How many pending action and access requests one requester may have at once (break-glass reviews do not count).</summary>
    public int MaxPendingPerUser { get; init; } = DefaultMaxPendingPerUser;

    /// <summary>The kinds of request the cap counts: those a requester makes at will.</summary>
    private static readonly string[] CappedKinds = [ActionKind, AccessKind];

    /// <summary>Refuses (and records) a new request from a requester who has <see cref="MaxPendingPerUser"/> pending already.</summary>
    private async ValueTask CheckPendingCapAsync(string requester, string resource, string? text, string? sessionId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pending = await store.Approvals.CountPendingAsync(requester, CappedKinds, now, cancellationToken);
        if (pending < MaxPendingPerUser)
        {
            return;
        }

        var why = $"{requester} has {pending} requests waiting for approvers, the most one person may have at once ({MaxPendingPerUser}): wait until some are decided or expire, or ask an approver to look at them (airlock reviews list)";
        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = AuditEventKinds.ApprovalRefused,
                User = requester,
                SessionId = sessionId,
                Resource = resource,
                ActionType = "approval",
                Text = text,
                ErrorCode = ApprovalErrors.TooManyPending,
                Error = "too many pending requests",
            },
            cancellationToken);
        throw new RefusedException(ApprovalErrors.TooManyPending, why);
    }

    /// <summary>
    /// Makes a pending request, or returns the one its requester already has for the same action: recorded
    /// before it exists; a request that lost the race to an identical one is recorded as refused, with the
    /// winner's id, and the winner is returned.
    /// </summary>
    private async ValueTask<ApprovalRequestRecord> CreatePendingAsync(ApprovalRequestRecord created, string? sessionId, CancellationToken cancellationToken)
    {
        await RecordAsync(AuditEventKinds.ApprovalRequested, created, created.Requester, sessionId, null, cancellationToken);
        if (created.ActionDigest is null || await store.Approvals.TryCreateAsync(created, cancellationToken))
        {
            if (created.ActionDigest is null)
            {
                await store.Approvals.CreateAsync(created, cancellationToken);
            }

            Notify(ApprovalEvents.Created, created, created.Requester, created.CreatedAt);
            return created;
        }

        var existing = await PendingForAsync(created.Requester, created.Resource, created.ActionDigest, created.CreatedAt, cancellationToken);
        await RecordAsync(AuditEventKinds.ApprovalRefused, created with { State = Expired }, created.Requester, sessionId, $"the same as pending request {existing?.Id}", cancellationToken);
        return existing ?? throw new RefusedException(ApprovalErrors.NotPending, "an identical request was made and decided at the same moment; ask again");
    }

    /// <summary>The requester's pending, unexpired request for one action digest, if any (expiring stale ones on the way).</summary>
    private async ValueTask<ApprovalRequestRecord?> PendingForAsync(string requester, string resource, string digest, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ApprovalRequestRecord? pending = null;
        foreach (var request in await store.Approvals.FindForActionAsync(requester, resource, digest, cancellationToken))
        {
            var current = await ExpireIfOpenAsync(request, now, cancellationToken);
            if (current.State == Pending)
            {
                pending ??= current;
            }
        }

        return pending;
    }

    /// <summary>
    /// Whether <paramref name="viewer"/> may see a request: its requester, or someone policy makes an approver
    /// of its rule or grant now. Everyone else is told it does not exist.
    /// </summary>
    public bool MaySee(ApprovalRequestRecord request, GatewayUser viewer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(viewer);
        if (string.Equals(request.Requester, viewer.Name, StringComparison.Ordinal))
        {
            return true;
        }

        var snapshot = policy();
        return RequirementOf(request, snapshot) is { } requirement
            && PolicySnapshot.CanApprove(requirement, snapshot.ResolvePrincipal(viewer.PrincipalInfo()), request.Requester).Allowed;
    }

    /// <summary>Whether <paramref name="viewer"/> may see a grant: its holder, or an approver of its definition.</summary>
    public bool MaySee(GrantRecord grant, GatewayUser viewer)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(viewer);
        if (string.Equals(grant.User, viewer.Name, StringComparison.Ordinal))
        {
            return true;
        }

        var snapshot = policy();
        var approvers = snapshot.Bundle.Grants.FirstOrDefault(g => g.Name == grant.Grant)?.Approvers.Groups ?? [];
        var groups = snapshot.ResolvePrincipal(viewer.PrincipalInfo()).Groups;
        return approvers.Any(g => groups.Contains(g.Name, StringComparer.Ordinal));
    }

    /// <summary>Requests as <see cref="ListAsync(string?, int, CancellationToken)"/>, only those <paramref name="viewer"/> may see.</summary>
    public async ValueTask<IReadOnlyList<ApprovalRequestRecord>> ListAsync(string? state, int limit, GatewayUser viewer, CancellationToken cancellationToken) =>
        [.. (await ListAsync(state, VisibleScan, cancellationToken)).Where(r => MaySee(r, viewer)).Take(Math.Max(0, limit))];

    /// <summary>Grants as <see cref="ListGrantsAsync(bool, CancellationToken)"/>, only those <paramref name="viewer"/> may see.</summary>
    public async ValueTask<IReadOnlyList<GrantRecord>> ListGrantsAsync(bool activeOnly, GatewayUser viewer, CancellationToken cancellationToken) =>
        [.. (await ListGrantsAsync(activeOnly, cancellationToken)).Where(g => MaySee(g, viewer))];

    /// <summary>How many of the newest requests a person's list looks through for the ones they may see.</summary>
    private const int VisibleScan = 1000;
}
