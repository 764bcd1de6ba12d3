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
        if (AutoApproval(session, verdict, now) is { } auto)
        {
            return await AutoApproveAsync(session, verdict, digest, summary, auto, now, cancellationToken);
        }

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
        };

        // Recorded before it exists, as every action is: a request nobody can see in the trail is never made.
        await RecordAsync(AuditEventKinds.ApprovalRequested, created, user, session.Id, null, cancellationToken);
        await store.Approvals.CreateAsync(created, cancellationToken);
        Notify(ApprovalEvents.Created, created, user, now);
        return new ReviewOutcome(created.Id, Run: false, created.ExpiresAt);
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
    private async ValueTask<ReviewOutcome> AutoApproveAsync(GatewaySession session, StatementVerdict verdict, string digest, string summary, AutoApproval auto, DateTimeOffset now, CancellationToken cancellationToken)
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

    /// <summary>
    /// One approver's yes. Refused (with <see cref="RefusedException"/>) for the requester, for anyone outside
    /// the rule's approver groups, for an approver whose MFA is older than the rule's <c>approvers.mfa</c>,
    /// for a second vote, and for a request that is no longer pending.
    /// </summary>
    public async ValueTask<ApprovalRequestRecord> ApproveAsync(string id, GatewayUser approver, string? comment, CancellationToken cancellationToken)
    {
        var (request, requirement) = await OpenForVoteAsync(id, approver, cancellationToken);
        var now = time.GetUtcNow();
        if (!await store.Approvals.AddVoteAsync(new ApprovalVoteRecord { RequestId = id, Approver = approver.Name, Verdict = "approve", Comment = comment, At = now, IdpGroups = approver.IdpGroups }, cancellationToken))
        {
            throw new RefusedException(ApprovalErrors.AlreadyVoted, $"{approver.Name} has already voted on {id}");
        }

        var votes = await store.Approvals.ListVotesAsync(id, cancellationToken);
        var snapshot = policy();
        // Each voter as they were when they voted: their IdP groups too, which policy may map to approver groups.
        var approvers = votes.Where(v => v.Verdict == "approve").Select(v => snapshot.ResolvePrincipal(new PrincipalInfo { User = v.Approver, IdpGroups = v.IdpGroups }));
        if (!PolicySnapshot.IsSatisfied(requirement, approvers, request.Requester))
        {
            await RecordAsync(AuditEventKinds.ApprovalVoted, request, approver.Name, null, comment, cancellationToken);
            return request;
        }

        // An action's approval waits its window to be used; an access request's lasts as long as its grant;
        // a break-glass review, once decided, is only a record.
        var window = request.Kind switch
        {
            AccessKind => request.Duration ?? TimeSpan.Zero,
            BreakGlassKind => request.ExpiresAt - now,
            _ => requirement.Window > TimeSpan.Zero ? requirement.Window : DefaultWindow,
        };
        if (!await store.Approvals.TransitionAsync(id, Pending, Approved, now, approver.Name, comment, cancellationToken, expiresAt: now + window))
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"{id} was decided by someone else first");
        }

        var approved = request with { State = Approved, DecidedAt = now, DecidedBy = approver.Name, Comment = comment, ExpiresAt = now + window };
        await RecordAsync(AuditEventKinds.ApprovalApproved, approved, approver.Name, null, comment, cancellationToken);
        if (request.Kind == AccessKind)
        {
            await GiveGrantAsync(approved, now, cancellationToken);
        }

        Notify(ApprovalEvents.Approved, approved, approver.Name, now);
        return approved;
    }

    /// <summary>One approver's no, with a reason: the request is denied at once.</summary>
    public async ValueTask<ApprovalRequestRecord> DenyAsync(string id, GatewayUser approver, string reason, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(ApprovalErrors.ReasonRequired, "a denial needs a reason");
        }

        var (request, _) = await OpenForVoteAsync(id, approver, cancellationToken);
        var now = time.GetUtcNow();
        await store.Approvals.AddVoteAsync(new ApprovalVoteRecord { RequestId = id, Approver = approver.Name, Verdict = "deny", Comment = reason, At = now, IdpGroups = approver.IdpGroups }, cancellationToken);
        if (!await store.Approvals.TransitionAsync(id, Pending, Denied, now, approver.Name, reason, cancellationToken))
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"{id} was decided by someone else first");
        }

        var denied = request with { State = Denied, DecidedAt = now, DecidedBy = approver.Name, Comment = reason };
        await RecordAsync(AuditEventKinds.ApprovalDenied, denied, approver.Name, null, reason, cancellationToken);
        if (request.Kind == BreakGlassKind)
        {
            // The review found the break-glass unjustified: what it gave ends now.
            foreach (var grant in (await store.Grants.ListActiveAsync(now, request.Requester, cancellationToken)).Where(g => g.ApprovalId == id))
            {
                await RevokeAsync(grant, approver.Name, now, cancellationToken);
            }
        }

        Notify(ApprovalEvents.Denied, denied, approver.Name, now);
        return denied;
    }

    /// <summary>
    /// The checks every vote passes: the request is pending and alive, the voter is not its requester, is one
    /// of its rule's approvers, and proved MFA recently enough if the rule asks for that.
    /// </summary>
    private async ValueTask<(ApprovalRequestRecord Request, ApprovalRequirement Requirement)> OpenForVoteAsync(string id, GatewayUser approver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(approver);
        var request = await store.Approvals.GetAsync(id, cancellationToken) ?? throw new RefusedException(ApprovalErrors.NotFound, $"no approval request {id}");
        request = await ExpireIfOpenAsync(request, time.GetUtcNow(), cancellationToken);
        if (request.State != Pending)
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"{id} is {request.State}, not pending");
        }

        if (string.Equals(request.Requester, approver.Name, StringComparison.Ordinal))
        {
            await RecordAsync(AuditEventKinds.ApprovalRefused, request, approver.Name, null, "self-approval", cancellationToken);
            throw new RefusedException(ApprovalErrors.SelfApproval, $"{approver.Name} asked for {id} and cannot decide it: nobody approves their own request");
        }

        var snapshot = policy();
        var requirement = RequirementOf(request, snapshot)
            ?? throw new RefusedException(ApprovalErrors.RuleGone, $"{(request.Kind == AccessKind ? "grant " + request.Grant : "rule " + request.Rule)} no longer asks for approval in policy revision {snapshot.Revision}; ask again");

        var check = PolicySnapshot.CanApprove(requirement, snapshot.ResolvePrincipal(approver.PrincipalInfo()), request.Requester);
        if (!check.Allowed)
        {
            await RecordAsync(AuditEventKinds.ApprovalRefused, request, approver.Name, null, "not an approver", cancellationToken);
            throw new RefusedException(ApprovalErrors.NotAnApprover, $"{check.Reason}, so cannot decide {id} ({request.Rule})");
        }

        if (requirement.MfaWithin is { } within)
        {
            await CheckMfaFreshAsync(request, approver, within, cancellationToken);
        }

        return (request, requirement);
    }

    /// <summary>
    /// Refuses (and records) a vote by an approver whose last MFA is unknown or older than
    /// <paramref name="within"/>: the decision should come from the person, not just from their token.
    /// </summary>
    private async ValueTask CheckMfaFreshAsync(ApprovalRequestRecord request, GatewayUser approver, TimeSpan within, CancellationToken cancellationToken)
    {
        var last = LastMfa is { } lastMfa ? await lastMfa(approver, cancellationToken) : null;
        var now = time.GetUtcNow();
        if (last is { } at && now - at <= within)
        {
            return;
        }

        var wanted = DurationText.Format(within);
        var seen = last is { } old ? $"{approver.Name}'s last MFA was {DurationText.Format(TimeSpan.FromSeconds(Math.Floor((now - old).TotalSeconds)))} ago" : $"{approver.Name} has no MFA on record";
        await RecordAsync(AuditEventKinds.ApprovalRefused, request, approver.Name, null, $"MFA not fresh (needed within {wanted})", cancellationToken);
        throw new RefusedException(
            IdentityErrors.MfaNotFresh,
            $"{(request.Kind == ActionKind ? "rule " + request.Rule : "grant " + request.Grant)} wants its approvers to have proved MFA within the last {wanted} to decide {request.Id}, and {seen}: "
            + "step up with airlock mfa --code 123456 (the code from your authenticator app), then decide again");
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

    private async ValueTask RecordAsync(string kind, ApprovalRequestRecord request, string? user, string? sessionId, string? comment, CancellationToken cancellationToken)
    {
        var detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["approval_id"] = request.Id, ["requester"] = request.Requester, ["state"] = request.State };
        if (request.Grant is { } grant)
        {
            detail["grant"] = grant;
        }

        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = kind,
                User = user,
                SessionId = sessionId,
                Resource = request.Resource,
                ActionType = "approval",
                Text = request.ActionSummary,
                Rule = request.Rule,
                PolicyRevision = request.PolicyRevision,
                Error = comment,
                Detail = detail,
            },
            cancellationToken);
    }

    /// <summary>What reviewers see: the exact text and parameter values, with detected secrets masked.</summary>
    private string Summary(string text, IReadOnlyList<byte[]?> parameters)
    {
        var engine = masking();
        var summary = new StringBuilder(engine.Mask(text));
        for (var i = 0; i < parameters.Count; i++)
        {
            summary.Append(i == 0 ? "\nparameters: " : ", ").Append('$').Append(i + 1).Append(" = ");
            summary.Append(parameters[i] is { } p ? "'" + engine.Mask(Encoding.UTF8.GetString(p)) + "'" : "NULL");
        }

        return summary.ToString();
    }

    /// <summary>Short enough to type, random enough (80 bits) not to guess.</summary>
    private static string NewId() => "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>
    /// Tells the notifier (webhooks: Slack and other systems outside the gateway). The free text people wrote,
    /// the requester's reason and the approver's comment or denial reason, goes through the masking engine
    /// first, as the audit trail's free text does: a pasted password or card number stays here.
    /// </summary>
    private void Notify(string @event, ApprovalRequestRecord request, string? actor, DateTimeOffset at)
    {
        if (Notifier is not { } notifier)
        {
            return;
        }

        var engine = masking();
        string? Masked(string? text) => string.IsNullOrEmpty(text) ? text : engine.Mask(text);
        notifier.Notify(new ApprovalNotification(@event, request with { Reason = Masked(request.Reason), Comment = Masked(request.Comment) }, actor, at));
    }
}
