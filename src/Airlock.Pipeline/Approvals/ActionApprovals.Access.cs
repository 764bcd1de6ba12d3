using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Airlock.Audit;
using Airlock.Masking;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>Access requests (just-in-time grants), break-glass, and the grants they give.</summary>
public sealed partial class ActionApprovals
{
    /// <summary>
    /// An access request (just-in-time elevation): asks for the named grant on a resource for a while, with
    /// a reason. Refused at once (<see cref="RefusedException"/>) when policy defines no such grant or
    /// resource, the duration is over the grant's maximum, or the reason is missing or does not match the
    /// grant's ticket pattern. Approvers then vote as on any request; the grant starts at approval.
    /// </summary>
    public async ValueTask<ApprovalRequestRecord> RequestAccessAsync(GatewayUser user, string resource, string grant, TimeSpan duration, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var snapshot = policy();
        CheckAccessRequest(snapshot, resource, grant, duration, reason);
        var now = time.GetUtcNow();

        // One pending request per grant and resource: asking again (another duration or reason included)
        // returns the one waiting, so approvers see each ask once.
        var digest = AccessDigest(user.Name, resource, grant);
        if (await PendingForAsync(user.Name, resource, digest, now, cancellationToken) is { } pending)
        {
            return pending;
        }

        var summary = $"grant {grant} on {resource} for {duration}";
        await CheckPendingCapAsync(user.Name, resource, summary, null, now, cancellationToken);
        var request = GrantRequest(AccessKind, user, resource, grant, duration, reason, summary, snapshot, now, PendingLifetime) with { ActionDigest = digest };
        return await CreatePendingAsync(request, null, cancellationToken);
    }

    /// <summary>What makes two access requests the same: requester, resource and grant (an action's digest, with a text no statement has).</summary>
    private static string AccessDigest(string user, string resource, string grant) => DigestOf(user, resource, "\0airlock-access-request:" + grant, []);

    /// <summary>
    /// Break-glass: a member of the grant's <c>break_glass</c> groups takes the grant at once, with a reason.
    /// It always raises the alert (the <c>break_glass</c> notification and audit event) and opens a review
    /// that the grant's approvers must decide after the fact; a denied review revokes the grant if it is
    /// still in force. Returns the grant and the review.
    /// </summary>
    public async ValueTask<(GrantRecord Grant, ApprovalRequestRecord Review)> BreakGlassAsync(GatewayUser user, string resource, string grant, TimeSpan duration, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var snapshot = policy();
        var definition = CheckAccessRequest(snapshot, resource, grant, duration, reason);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(ApprovalErrors.InvalidAccessRequest, "break-glass needs a reason: what is on fire");
        }

        var groups = snapshot.ResolvePrincipal(user.PrincipalInfo()).Groups;
        if (!definition.BreakGlassGroups.Any(g => groups.Contains(g.Name, StringComparer.Ordinal)))
        {
            throw new RefusedException(ApprovalErrors.NotAnApprover, definition.BreakGlassGroups.Count == 0
                ? $"grant '{grant}' has no break_glass groups: ask for it with airlock request and wait for an approver"
                : $"{user.Name} is not in a break-glass group of grant '{grant}' ({string.Join(", ", definition.BreakGlassGroups.Select(g => g.Name))})");
        }

        var now = time.GetUtcNow();
        var review = GrantRequest(BreakGlassKind, user, resource, grant, duration, reason, $"break-glass: grant {grant} on {resource} for {duration}, taken at once", snapshot, now, BreakGlassReviewLifetime);
        await RecordAsync(AuditEventKinds.BreakGlass, review, user.Name, null, null, cancellationToken);
        await store.Approvals.CreateAsync(review, cancellationToken);
        var given = await GiveGrantAsync(review with { DecidedBy = user.Name }, now, cancellationToken);
        Notify(ApprovalEvents.BreakGlass, review, user.Name, now);
        return (given, review);
    }

    /// <summary>A pending request about a grant (an access request, or a break-glass review), its reason masked.</summary>
    private ApprovalRequestRecord GrantRequest(string kind, GatewayUser user, string resource, string grant, TimeSpan duration, string? reason, string summary, PolicySnapshot snapshot, DateTimeOffset now, TimeSpan lifetime) =>
        new()
        {
            Id = NewId(),
            Kind = kind,
            Requester = user.Name,
            Resource = resource,
            ActionSummary = summary,
            Grant = grant,
            Reason = StoredReason(reason, grant, snapshot),
            Duration = duration,
            Rule = "grant:" + grant,
            PolicyRevision = snapshot.Revision.ToString(),
            State = Pending,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };

    /// <summary>
    /// The reason as kept: masked like any free text, except a reason that is wholly a ticket as policy defines
    /// it (the grant's ticket pattern, or a rule's ticket condition, matched in full). That is an identifier
    /// policy itself asks for: masked, an approver could not look it up and the rule's ticket condition would
    /// never hold for the grant (a card-like INC-4111111111111111 masks). Anything else in it would not match.
    /// </summary>
    private string? StoredReason(string? reason, string grant, PolicySnapshot snapshot)
    {
        if (reason is null)
        {
            return null;
        }

        var tickets = snapshot.Bundle.Grants.Where(g => g.Name == grant).Select(g => g.Ticket)
            .Concat(snapshot.Bundle.Rules.Select(r => r.Conditions.Ticket));
        return tickets.Any(t => t is not null && t.Regex.IsMatch(reason)) ? reason : masking().Mask(reason);
    }

    /// <summary>The checks an access request passes before anyone sees it; returns the grant's definition.</summary>
    private static GrantDefinition CheckAccessRequest(PolicySnapshot snapshot, string resource, string grant, TimeSpan duration, string? reason)
    {
        var definition = snapshot.Bundle.Grants.FirstOrDefault(g => g.Name == grant)
            ?? throw new RefusedException(ApprovalErrors.InvalidAccessRequest, $"policy revision {snapshot.Revision} defines no grant '{grant}' (grants: {string.Join(", ", snapshot.Bundle.Grants.Select(g => g.Name))})");
        if (!snapshot.TryGetResource(resource, out _))
        {
            throw new RefusedException(ApprovalErrors.InvalidAccessRequest, $"policy revision {snapshot.Revision} defines no resource '{resource}'");
        }

        if (!snapshot.GrantAppliesTo(grant, resource))
        {
            throw new RefusedException(ApprovalErrors.GrantDoesNotApply, $"grant '{grant}' changes nothing on {resource}: no rule for {resource} in policy revision {snapshot.Revision} has a grant condition naming it");
        }

        if (duration <= TimeSpan.Zero || duration > definition.MaxDuration)
        {
            throw new RefusedException(ApprovalErrors.InvalidAccessRequest, $"grant '{grant}' lasts at most {definition.MaxDuration} (asked for {duration})");
        }

        if ((definition.ReasonRequired || definition.Ticket is not null) && string.IsNullOrWhiteSpace(reason))
        {
            throw new RefusedException(ApprovalErrors.InvalidAccessRequest, $"grant '{grant}' needs a reason" + (definition.Ticket is { } t ? $" matching {t.Pattern} (an incident ticket)" : string.Empty));
        }

        if (definition.Ticket is { } ticket && !ticket.Regex.IsMatch(reason!))
        {
            throw new RefusedException(ApprovalErrors.InvalidAccessRequest, $"grant '{grant}' needs a reason matching {ticket.Pattern} (an incident ticket); '{reason}' does not");
        }

        return definition;
    }

    /// <summary>Grants newest first (all, or only those in force now).</summary>
    public async ValueTask<IReadOnlyList<GrantRecord>> ListGrantsAsync(bool activeOnly, CancellationToken cancellationToken) =>
        activeOnly ? await store.Grants.ListActiveAsync(time.GetUtcNow(), cancellationToken: cancellationToken) : await store.Grants.ListAsync(200, cancellationToken);

    /// <summary>
    /// Revokes a grant now, by its holder or one of its approvers; sessions that hold it end (at once on this
    /// instance, within a session check on the others).
    /// </summary>
    public async ValueTask<GrantRecord> RevokeGrantAsync(string id, GatewayUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var grant = await store.Grants.GetAsync(id, cancellationToken) ?? throw new RefusedException(ApprovalErrors.NotFound, $"no grant {id}");
        var snapshot = policy();
        var approvers = snapshot.Bundle.Grants.FirstOrDefault(g => g.Name == grant.Grant)?.Approvers.Groups ?? [];
        var groups = snapshot.ResolvePrincipal(user.PrincipalInfo()).Groups;
        if (grant.User != user.Name && !approvers.Any(g => groups.Contains(g.Name, StringComparer.Ordinal)))
        {
            throw new RefusedException(ApprovalErrors.NotAnApprover, $"{user.Name} neither holds grant {id} nor approves '{grant.Grant}', so cannot revoke it");
        }

        return await RevokeAsync(grant, user.Name, time.GetUtcNow(), cancellationToken);
    }

    private async ValueTask<GrantRecord> RevokeAsync(GrantRecord grant, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (grant.RevokedAt is not null || grant.Until <= now || !await store.Grants.RevokeAsync(grant.Id, now, by, cancellationToken))
        {
            throw new RefusedException(ApprovalErrors.NotPending, $"grant {grant.Id} is not in force (revoked or expired)");
        }

        var revoked = grant with { RevokedAt = now, RevokedBy = by };
        await RecordGrantAsync(AuditEventKinds.GrantRevoked, revoked, by, cancellationToken);
        if (GrantsChanged is { } changed)
        {
            await changed(grant.User, cancellationToken);
        }

        return revoked;
    }

    private async ValueTask<GrantRecord> GiveGrantAsync(ApprovalRequestRecord request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var grant = new GrantRecord
        {
            Id = "grt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10)),
            User = request.Requester,
            Grant = request.Grant!,
            Resource = request.Resource,
            ApprovalId = request.Id,
            From = now,
            Until = now + (request.Duration ?? TimeSpan.Zero),
            Reason = request.Reason,
        };
        await RecordGrantAsync(AuditEventKinds.GrantCreated, grant, request.DecidedBy, cancellationToken);
        await store.Grants.CreateAsync(grant, cancellationToken);
        if (GrantsChanged is { } changed)
        {
            await changed(grant.User, cancellationToken);
        }

        return grant;
    }

    private async ValueTask RecordGrantAsync(string kind, GrantRecord grant, string? by, CancellationToken cancellationToken) =>
        await audit.AppendAsync(
            new AuditEvent
            {
                Kind = kind,
                User = by,
                Resource = grant.Resource,
                ActionType = "grant",
                Text = $"grant {grant.Grant} to {grant.User} on {grant.Resource} until {grant.Until:u}",
                Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["grant_id"] = grant.Id, ["grant"] = grant.Grant, ["user"] = grant.User, ["approval_id"] = grant.ApprovalId ?? string.Empty },
            },
            cancellationToken);

    /// <summary>Who must approve: the holding rule's approvers for an action, the grant's for an access request.</summary>
    private static ApprovalRequirement? RequirementOf(ApprovalRequestRecord request, PolicySnapshot snapshot) => request.Kind is AccessKind or BreakGlassKind
        ? snapshot.Bundle.Grants.FirstOrDefault(g => g.Name == request.Grant)?.Approvers
        : snapshot.RulesById.TryGetValue(request.Rule, out var rule) ? rule.Definition.Approval : null;
}
