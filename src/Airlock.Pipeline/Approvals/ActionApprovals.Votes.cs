using Airlock.Audit;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>Votes: who may decide a request, and what a yes or a no does.</summary>
public sealed partial class ActionApprovals
{
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
        var self = string.Equals(request.Requester, approver.Name, StringComparison.Ordinal);
        var snapshot = policy();
        var requirement = RequirementOf(request, snapshot);

        // Who may not decide is told so before anything about the request's state, which is not theirs to
        // learn (the admin API answers them 404, as for an id that does not exist: issue 14, class H).
        var check = requirement is null ? null : PolicySnapshot.CanApprove(requirement, snapshot.ResolvePrincipal(approver.PrincipalInfo()), request.Requester);
        if (!self && check is not { Allowed: true })
        {
            await RecordAsync(AuditEventKinds.ApprovalRefused, request, approver.Name, null, "not an approver", cancellationToken);
            throw new RefusedException(ApprovalErrors.NotAnApprover, $"{check?.Reason ?? approver.Name + " is not an approver of it"}, so cannot decide {id} ({request.Rule})");
        }

        if (request.State != Pending)
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"{id} is {request.State}, not pending");
        }

        if (self)
        {
            await RecordAsync(AuditEventKinds.ApprovalRefused, request, approver.Name, null, "self-approval", cancellationToken);
            throw new RefusedException(ApprovalErrors.SelfApproval, $"{approver.Name} asked for {id} and cannot decide it: nobody approves their own request");
        }

        if (requirement is null)
        {
            throw new RefusedException(ApprovalErrors.RuleGone, $"{(request.Kind == AccessKind ? "grant " + request.Grant : "rule " + request.Rule)} no longer asks for approval in policy revision {snapshot.Revision}; ask again");
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
}
