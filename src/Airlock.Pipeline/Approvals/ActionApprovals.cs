using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Airlock.Audit;
using Airlock.Masking;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// Action approval: a statement that policy marks <c>review</c> becomes a request bound to its exact action
/// (user, resource, text, parameter values). Approvers vote through the CLI or the admin API; once the rule's
/// approvers agree, the same user may run that exact action once, within the rule's window.
/// <code>
///   review verdict ─► approved, unused, in its window?  ── yes ─► approved → used (atomic) ─► run once
///                    │ no
///                    ├─ pending and not expired ─► held again, same request id
///                    └─ otherwise ─► new pending request (expires after PendingLifetime) ─► held
///   approve(id, approver) ─► not the requester, in an approver group, fresh MFA if asked, one vote each ─► enough? ─► approved (window starts)
/// </code>
/// Every state change is an audit event; all state is in the store, so it outlives a restart and is shared
/// by every gateway instance on the same store.
/// </summary>
public sealed partial class ActionApprovals(IAirlockStore store, AuditTrail audit, Func<PolicySnapshot> policy, Func<MaskingEngine> masking, TimeProvider time)
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Denied = "denied";
    public const string Expired = "expired";
    public const string Used = "used";

    /// <summary>How long a request waits for its approvers before it expires.</summary>
    public TimeSpan PendingLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Told of each request made, approved, denied or expired (webhooks); none by default.</summary>
    public IApprovalNotifier? Notifier { get; init; }

    /// <summary>Called with a user's name when their grants changed (one was given or revoked), so open sessions see it at once.</summary>
    public Func<string, CancellationToken, ValueTask>? GrantsChanged { get; init; }

    /// <summary>
    /// When an approver last proved MFA (the later of the identity provider's MFA and an <c>airlock mfa</c>
    /// step-up), or null if never. Asked only when the rule or grant being decided sets <c>approvers.mfa</c>;
    /// not set, every such vote is refused, since nobody's MFA is known.
    /// </summary>
    public Func<GatewayUser, CancellationToken, ValueTask<DateTimeOffset?>>? LastMfa { get; init; }

    public const string ActionKind = "action";
    public const string AccessKind = "access";

    /// <summary>The after-the-fact review of a grant taken by break-glass.</summary>
    public const string BreakGlassKind = "break_glass";

    /// <summary>How long a break-glass review stays open: it is mandatory, so in practice until someone reviews it.</summary>
    public static TimeSpan BreakGlassReviewLifetime { get; } = TimeSpan.FromDays(3650);

    /// <summary>The window when the rule names none.</summary>
    public static TimeSpan DefaultWindow { get; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The digest that binds a request to its exact action: any change to the user, the resource, the text
    /// or a parameter value is a different action. Fields are length-prefixed, so no two actions collide by
    /// moving bytes from one field to the next.
    /// </summary>
    public static string DigestOf(string user, string resource, string text, IReadOnlyList<byte[]?> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var s in (string[])[user, resource, text])
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            AppendField(hash, bytes, bytes.Length);
        }

        foreach (var p in parameters)
        {
            AppendField(hash, p ?? [], p?.Length ?? -1);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AppendField(IncrementalHash hash, ReadOnlySpan<byte> bytes, int declaredLength)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, declaredLength);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }

    /// <summary>
    /// For a statement policy holds for review: runs it if an approval for this exact action is waiting to be
    /// used (and uses it up), otherwise returns the pending request for it, made now if there is none.
    /// </summary>
    public async ValueTask<ReviewOutcome> ReviewAsync(GatewaySession session, StatementVerdict verdict, string exactText, IReadOnlyList<byte[]?> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(verdict);
        var user = session.User.Name;
        var digest = DigestOf(user, session.Resource, exactText, parameters);
        var now = time.GetUtcNow();
        ApprovalRequestRecord? pending = null;
        foreach (var request in await store.Approvals.FindForActionAsync(user, session.Resource, digest, cancellationToken))
        {
            if (request.ExpiresAt <= now)
            {
                await ExpireIfOpenAsync(request, now, cancellationToken);
                continue;
            }

            // Approved for the rule that holds it now: a changed policy that moves the action to another
            // rule asks again.
            if (request.State == Approved && request.Rule == verdict.RuleId
                && await store.Approvals.TransitionAsync(request.Id, Approved, Used, now, user, comment: null, cancellationToken))
            {
                await RecordAsync(AuditEventKinds.ApprovalUsed, request, user, session.Id, null, cancellationToken);
                return new ReviewOutcome(request.Id, Run: true, request.ExpiresAt);
            }

            if (request.State == Pending)
            {
                pending ??= request;
            }
        }

        if (pending is not null)
        {
            return new ReviewOutcome(pending.Id, Run: false, pending.ExpiresAt);
        }

        var summary = Summary(exactText, parameters);
        var structure = ApprovalStructure.Of(verdict.Analysis, verdict.AuditText).ToJson();
        if (AutoApproval(session, verdict, now) is { } auto)
        {
            return await AutoApproveAsync(session, verdict, digest, summary, structure, auto, now, cancellationToken);
        }

        await CheckPendingCapAsync(user, session.Resource, verdict.AuditText, session.Id, now, cancellationToken);
        var created = new ApprovalRequestRecord
        {
            Id = NewId(),
            Kind = ActionKind,
            Requester = user,
            Resource = session.Resource,
            ActionDigest = digest,
            ActionSummary = summary,
            Rule = verdict.RuleId,
            PolicyRevision = verdict.PolicyRevision,
            State = Pending,
            CreatedAt = now,
            ExpiresAt = now + PendingLifetime,
            ExactText = exactText,
            ExactParameters = parameters,
            Structure = structure,
        };

        var made = await CreatePendingAsync(created, session.Id, cancellationToken);
        return new ReviewOutcome(made.Id, Run: false, made.ExpiresAt);
    }

    /// <summary>How often a waiting client's request is looked at again.</summary>
    public TimeSpan WaitPoll { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// For a native client the rule lets wait (<c>wait:</c>): looks at the held request until it is decided
    /// or <paramref name="wait"/> is over. Approved: the approval is used and the action runs (as
    /// <see cref="ReviewAsync"/> would on a re-run). Denied, expired or still pending at the end: not run;
    /// <see cref="WaitOutcome.State"/> says which.
    /// </summary>
    public async ValueTask<WaitOutcome> WaitForDecisionAsync(GatewaySession session, StatementVerdict verdict, string exactText, IReadOnlyList<byte[]?> parameters, ReviewOutcome held, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(held);
        var deadline = time.GetUtcNow() + wait;
        while (time.GetUtcNow() < deadline)
        {
            await Task.Delay(WaitPoll, time, cancellationToken);
            var request = await store.Approvals.GetAsync(held.RequestId, cancellationToken);
            switch (request?.State)
            {
                case Approved:
                    var run = await ReviewAsync(session, verdict, exactText, parameters, cancellationToken);
                    return new WaitOutcome(run, run.Run ? Approved : Pending, request.DecidedBy, request.Comment);
                case Pending:
                    continue;
                default:
                    return new WaitOutcome(held, request?.State ?? Expired, request?.DecidedBy, request?.Comment);
            }
        }

        return new WaitOutcome(held, Pending, null, null);
    }

    /// <summary>The rule's first <c>auto_approve</c> entry that matches the session's user now, if any.</summary>
    private AutoApproval? AutoApproval(GatewaySession session, StatementVerdict verdict, DateTimeOffset now)
    {
        if (verdict.Approval is not { AutoApprove.Count: > 0 } requirement)
        {
            return null;
        }

        var principal = session.PrincipalFor(policy());
        return requirement.AutoApprove.FirstOrDefault(a =>
            (a.Principals.Users.Count == 0 && a.Principals.Groups.Count == 0
                || a.Principals.Users.Any(u => u.Name == principal.Info.User)
                || a.Principals.Groups.Any(g => principal.Groups.Contains(g.Name, StringComparer.Ordinal)))
            && (a.Schedule is null || a.Schedule.Contains(now)));
    }

    /// <summary>
    /// Policy approves at once: the request is made, approved and used in one go, and the trail says it was
    /// automatic and which rule entry (file:line:col) gave it.
    /// </summary>
    private async ValueTask<ReviewOutcome> AutoApproveAsync(GatewaySession session, StatementVerdict verdict, string digest, string summary, string structure, AutoApproval auto, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var by = $"policy:{verdict.RuleId} auto_approve at {auto.Location}";
        var request = new ApprovalRequestRecord
        {
            Id = NewId(),
            Kind = ActionKind,
            Requester = session.User.Name,
            Resource = session.Resource,
            ActionDigest = digest,
            ActionSummary = summary,
            Structure = structure,
            Rule = verdict.RuleId,
            PolicyRevision = verdict.PolicyRevision,
            State = Used,
            CreatedAt = now,
            ExpiresAt = now,
            DecidedAt = now,
            DecidedBy = by,
            Comment = "approved automatically by policy",
        };
        await RecordAsync(AuditEventKinds.ApprovalApproved, request with { State = Approved }, by, session.Id, "approved automatically by policy", cancellationToken);
        await store.Approvals.CreateAsync(request, cancellationToken);
        await RecordAsync(AuditEventKinds.ApprovalUsed, request, session.User.Name, session.Id, null, cancellationToken);
        Notify(ApprovalEvents.Approved, request with { State = Approved }, by, now);
        return new ReviewOutcome(request.Id, Run: true, now);
    }

    /// <summary>One request with its votes; an open request past its expiry is marked expired first.</summary>
    public async ValueTask<(ApprovalRequestRecord Request, IReadOnlyList<ApprovalVoteRecord> Votes)?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var request = await store.Approvals.GetAsync(id, cancellationToken);
        if (request is null)
        {
            return null;
        }

        request = await ExpireIfOpenAsync(request, time.GetUtcNow(), cancellationToken);
        return (request, await store.Approvals.ListVotesAsync(id, cancellationToken));
    }

    /// <summary>
    /// Marks open requests whose time is up as expired, so that the trail and the webhooks say so when it
    /// happens rather than when someone next looks. Gateways sharing a store may all sweep: the state change
    /// is conditional, so each expiry is recorded once. Returns how many this call expired.
    /// </summary>
    public async ValueTask<int> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = 0;
        foreach (var state in (string[])[Pending, Approved])
        {
            foreach (var request in await store.Approvals.ListAsync(state, 1000, cancellationToken))
            {
                if (request.ExpiresAt <= now && (await ExpireIfOpenAsync(request, now, cancellationToken)).State == Expired)
                {
                    expired++;
                }
            }
        }

        return expired;
    }

    /// <summary>Requests newest first, in a state or all; open requests past their expiry are shown (and marked) expired.</summary>
    public async ValueTask<IReadOnlyList<ApprovalRequestRecord>> ListAsync(string? state, int limit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = new List<ApprovalRequestRecord>();
        foreach (var request in await store.Approvals.ListAsync(state, limit, cancellationToken))
        {
            var current = await ExpireIfOpenAsync(request, now, cancellationToken);
            if (state is null || current.State == state)
            {
                list.Add(current);
            }
        }

        return list;
    }

    private async ValueTask<ApprovalRequestRecord> ExpireIfOpenAsync(ApprovalRequestRecord request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (request.ExpiresAt > now || request.State is not (Pending or Approved))
        {
            return request;
        }

        if (await store.Approvals.TransitionAsync(request.Id, request.State, Expired, now, by: null, comment: null, cancellationToken))
        {
            await RecordAsync(AuditEventKinds.ApprovalExpired, request with { State = Expired }, null, null, null, cancellationToken);
            Notify(ApprovalEvents.Expired, request with { State = Expired }, null, now);
        }

        return request with { State = Expired };
    }
}
