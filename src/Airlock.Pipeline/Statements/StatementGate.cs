using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline;

/// <summary>
/// Decides SQL text for a session: PostgreSQL's parser (libpg_query) says what each statement is, policy
/// says whether this principal may do it here. A text of several statements is decided as a whole: the
/// strongest effect of any statement wins (deny over review over allow). What does not parse is
/// <see cref="StatementKind.Unknown"/>, which policy never treats as a read.
/// </summary>
public sealed partial class StatementGate(Func<PolicySnapshot> policy, TimeProvider time)
{
    /// <summary>Refusals that are not policy's own, with stable ids shown to the client and recorded.</summary>
    public const string ReadOnlySessionRule = "airlock:read-only-session";

    /// <summary>A statement of a kind the session's API token does not cover.</summary>
    public const string TokenScopeRule = "airlock:token-scope";

    /// <summary>A statement that takes apart a column masked for its principal (docs/security.md, class E; AL0940).</summary>
    public const string MaskedColumnTakenApartRule = "airlock:masked-column-taken-apart";

    public StatementVerdict Decide(GatewaySession session, string sql)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(sql);
        var snapshot = policy();
        var principal = session.PrincipalFor(snapshot);
        var analysis = SqlAnalyzer.Shared.Analyze(sql);
        var auditText = AuditTextOf(analysis, sql);
        var now = time.GetUtcNow();
        if (BuiltInGuard(analysis, auditText, snapshot) is { } guarded)
        {
            return guarded;
        }

        if (session.ReadOnly && analysis.Statements.Any(s => s.Flags.HasFlag(SqlFlags.ReadWriteEscalation)))
        {
            return Denied(ReadOnlySessionRule, "This session is read-only: policy allows you only reads on this resource, so read-write mode cannot be switched on.", analysis, auditText, snapshot);
        }

        // Session state the gateway pins or bounds (SessionSettingsGuard): refused before policy, whatever it says.
        // After the read-only check, whose published refusal (AL0901, airlock:read-only-session) escalations keep.
        if (SessionSettingsGuard.Check(analysis, snapshot.ResolveSessionLimits(principal, session.Resource)) is { } pinned)
        {
            return Denied(pinned.Rule, pinned.Message, analysis, auditText, snapshot);
        }

        // An API token narrows what policy allows its user: a kind outside its scope is denied, whatever policy says.
        if (session.User.Token is { } token)
        {
            IEnumerable<StatementKind> kinds = analysis.Statements.Count == 0 || analysis.Error is not null ? [analysis.Kind] : analysis.Statements.Select(s => s.Kind);
            if (kinds.Select(k => k.ToString().ToLowerInvariant()).FirstOrDefault(k => !token.AllowsSql(k)) is { } outside)
            {
                return Denied(TokenScopeRule, $"API token {token.TokenId} covers {string.Join(", ", token.SqlKinds)} statements, not {outside}.", analysis, auditText, snapshot);
            }
        }

        IEnumerable<(StatementKind Kind, string[] Tables)> parts = analysis.Statements.Count == 0 || analysis.Error is not null
            ? [(analysis.Kind, analysis.AllTables)]
            : analysis.Statements.Select(s => (s.Kind, s.TablesRead.Concat(s.TablesWritten).Distinct(StringComparer.Ordinal).ToArray()));
        var (chosen, maxRows) = DecideAll(snapshot, principal, session, parts, now);

        // Refused without MFA: would a step-up change that? Then the client is told to step up (airlock mfa).
        var needsMfa = chosen.Effect != RuleEffect.Allow && !principal.Mfa
            && DecideAll(snapshot, snapshot.ResolvePrincipal(principal.Info with { Mfa = true }), session, parts, now).Decision.Effect == RuleEffect.Allow;

        // What runs without a person looking must not rebuild masked values from predicates. A statement
        // held for review is seen, exactly, by its approver, who decides on it.
        if (chosen.Effect == RuleEffect.Allow && TakenApartColumns.FirstMasked(analysis, snapshot, principal, session.Resource) is { } use)
        {
            return Denied(MaskedColumnTakenApartRule, TakenApartColumns.Describe(use), analysis, auditText, snapshot);
        }

        return new StatementVerdict
        {
            Effect = chosen.Effect,
            RuleId = chosen.DecidingRuleId,
            RuleMessage = chosen.DecidingRule?.Message,
            Analysis = analysis,
            AuditText = auditText,
            MaxRows = chosen.Effect == RuleEffect.Allow ? maxRows : null,
            PolicyRevision = chosen.Revision.ToString(),
            Approval = chosen.DecidingRule?.Definition.Approval,
            NeedsMfa = needsMfa,
        };
    }

    /// <summary>A refusal that is the gateway's own (a built-in guard, the session's state, a token's scope), not a policy rule's.</summary>
    private static StatementVerdict Denied(string rule, string message, SqlAnalysis analysis, string auditText, PolicySnapshot snapshot) => new()
    {
        Effect = RuleEffect.Deny,
        RuleId = rule,
        RuleMessage = message,
        Analysis = analysis,
        AuditText = auditText,
        PolicyRevision = snapshot.Revision.ToString(),
    };

    /// <summary>Decides each statement of a text and keeps the strongest outcome, and the smallest max_rows.</summary>
    private static (PolicyDecision Decision, long? MaxRows) DecideAll(PolicySnapshot snapshot, ResolvedPrincipal principal, GatewaySession session, IEnumerable<(StatementKind Kind, string[] Tables)> parts, DateTimeOffset now)
    {
        PolicyDecision? strongest = null;
        long? maxRows = null;
        foreach (var (kind, tables) in parts)
        {
            var decision = snapshot.Decide(new AccessRequest(principal, session.Resource, PolicyAction.Sql(kind, tables), now, session.GrantReason()));
            if (decision.MaxRows is { } rows)
            {
                maxRows = maxRows is null ? rows : Math.Min(maxRows.Value, rows);
            }

            if (strongest is null || decision.Effect > strongest.Value.Effect)
            {
                strongest = decision;
            }
        }

        return (strongest!.Value, maxRows);
    }

    /// <summary>
    /// The text the audit keeps: each statement normalized by the parser (literals replaced by $n, comments
    /// gone). A text that does not parse is not kept at all (it could hold anything): only its length and
    /// the parser's redacted error.
    /// </summary>
    private static string AuditTextOf(SqlAnalysis analysis, string sql)
    {
        if (analysis.Error is { } error)
        {
            return $"(unparsable SQL, {sql.Length} characters: {error.Message})";
        }

        var normalized = analysis.Statements.Select(s => s.Normalized).Where(n => !string.IsNullOrWhiteSpace(n)).ToList();
        return normalized.Count > 0 ? AuditText.Capped(string.Join("; ", normalized)) : "(empty)";
    }
}
