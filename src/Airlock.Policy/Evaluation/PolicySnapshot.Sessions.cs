using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

public sealed partial class PolicySnapshot
{
    /// <summary>
    /// The session limits for a principal on a resource: the bundle default, tightened by the
    /// resource's own limits and by those of every group the principal is in. The strictest wins.
    /// </summary>
    /// <summary>
    /// Whether holding <paramref name="grant"/> can change any decision on <paramref name="resource"/>: some rule
    /// that applies to the resource has a <c>grant</c> or <c>unless_grant</c> condition naming it. A grant asked
    /// for elsewhere would be approved, audited and held, and change nothing, so it is refused up front.
    /// </summary>
    public bool GrantAppliesTo(string grant, string resource) =>
        _resources.TryGetValue(resource, out var entry)
        && entry.BySlot.Any(slot => slot.Any(r => r.Definition.Conditions.Grant?.Name == grant || r.Definition.Conditions.UnlessGrant?.Name == grant));

    public SessionLimits ResolveSessionLimits(ResolvedPrincipal principal, string resource)
    {
        var limits = Bundle.Sessions.Default;
        if (TryGetResource(resource, out var definition))
        {
            limits = limits.Tighten(definition.Sessions);
        }

        foreach (var group in principal.Groups)
        {
            if (Bundle.Sessions.Groups.TryGetValue(group, out var groupLimits))
            {
                limits = limits.Tighten(groupLimits);
            }
        }

        return limits;
    }

    /// <summary>
    /// How long the Airlock session token that <c>airlock login</c> issues to this principal stays valid: the
    /// bundle's <c>sessions.login</c> (eight hours when unset), tightened by every group of the principal that
    /// sets <c>login</c>. The shortest wins. Resources play no part: one login serves every resource.
    /// </summary>
    public TimeSpan ResolveLoginLifetime(ResolvedPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var lifetime = Bundle.Sessions.Default.Login ?? SessionDefinitions.DefaultLogin;
        foreach (var group in principal.Groups)
        {
            if (Bundle.Sessions.Groups.TryGetValue(group, out var groupLimits) && groupLimits.Login is { } login && login < lifetime)
            {
                lifetime = login;
            }
        }

        return lifetime;
    }

    /// <summary>
    /// Whether no rule allows this principal anything but reads on this resource: then the gateway runs
    /// the session in PostgreSQL's read-only transaction mode, so that even a statement the parser misjudged
    /// cannot write. Allow rules count whatever their schedule, tables or ticket conditions, except those
    /// that need a grant the principal does not hold now. Review rules do not count: a write held for review
    /// is not allowed in the session; once approved, it is run by the gateway on its own terms.
    /// </summary>
    public bool AllowsOnlyReads(ResolvedPrincipal principal, string resource)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (!_resources.TryGetValue(resource, out var entry))
        {
            return true;
        }

        for (var slot = 0; slot < entry.BySlot.Length; slot++)
        {
            // Reads, transaction control and session settings do not write (switching read-only off is
            // flagged by the SQL engine and refused separately).
            if (TargetOfSlot(slot) != TargetType.Sql || (Airlock.Sql.StatementKind)slot is Airlock.Sql.StatementKind.Read
                or Airlock.Sql.StatementKind.Transaction or Airlock.Sql.StatementKind.Session)
            {
                continue;
            }

            foreach (var rule in entry.BySlot[slot])
            {
                if (rule.Effect == RuleEffect.Allow && rule.MatchesPrincipal(principal) && rule.GrantHeldBy(principal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Whether <paramref name="approver"/> may approve a request made by <paramref name="requester"/>
    /// under <paramref name="requirement"/>. Nobody approves their own request, whatever their groups.
    /// </summary>
    public static ApprovalCheck CanApprove(ApprovalRequirement requirement, ResolvedPrincipal approver, string requester)
    {
        if (string.Equals(approver.User, requester, StringComparison.Ordinal))
        {
            return new ApprovalCheck(false, "requesters cannot approve their own requests");
        }

        var groups = requirement.Groups.Where(g => approver.Groups.Contains(g.Name, StringComparer.Ordinal)).Select(g => g.Name).ToList();
        return groups.Count == 0
            ? new ApprovalCheck(false, $"{approver.User} is not in an approver group ({string.Join(", ", requirement.Groups.Select(g => g.Name))})")
            : new ApprovalCheck(true, $"approves for {string.Join(", ", groups)}");
    }

    /// <summary>
    /// Whether the approvals given so far satisfy the requirement: with mode any, <c>min</c> distinct
    /// approvers from any listed group; with mode all, <c>min</c> distinct approvers for each group, where
    /// no person counts for two groups (one member of both finance and approvers is not two sign-offs).
    /// </summary>
    public static bool IsSatisfied(ApprovalRequirement requirement, IEnumerable<ResolvedPrincipal> approvers, string requester)
    {
        var valid = approvers.Where(a => CanApprove(requirement, a, requester).Allowed).DistinctBy(a => a.User, StringComparer.Ordinal).ToList();
        if (requirement.Mode == ApprovalMode.Any)
        {
            return valid.Count >= requirement.Min;
        }

        // Each group has Min seats; seat people so that everyone sits at most once (bipartite matching).
        var seats = requirement.Groups.SelectMany(g => Enumerable.Repeat(g.Name, requirement.Min)).ToArray();
        var seatedBy = new int[seats.Length];
        Array.Fill(seatedBy, -1);
        for (var person = 0; person < valid.Count; person++)
        {
            TrySeat(person, new bool[seats.Length]);
        }

        return seatedBy.All(p => p >= 0);

        bool TrySeat(int person, bool[] visited)
        {
            for (var seat = 0; seat < seats.Length; seat++)
            {
                if (visited[seat] || !valid[person].Groups.Contains(seats[seat], StringComparer.Ordinal))
                {
                    continue;
                }

                visited[seat] = true;
                if (seatedBy[seat] < 0 || TrySeat(seatedBy[seat], visited))
                {
                    seatedBy[seat] = person;
                    return true;
                }
            }

            return false;
        }
    }
}

/// <summary>The answer to "may this person approve?", with the reason either way.</summary>
public sealed record ApprovalCheck(bool Allowed, string Reason);
