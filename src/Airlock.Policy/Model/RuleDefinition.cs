using Airlock.Policy.Diagnostics;
using Airlock.Sql;

namespace Airlock.Policy.Model;

/// <summary>What a matching rule does. The order is the precedence: deny beats review beats allow.</summary>
public enum RuleEffect
{
    Allow = 1,
    Review = 2,
    Deny = 3,
}

/// <summary>One rule of the bundle, as written.</summary>
public sealed record RuleDefinition
{
    public required string Id { get; init; }
    public required RuleEffect Effect { get; init; }
    public string? Message { get; init; }
    public string? Description { get; init; }
    public PrincipalSelector Principals { get; init; } = PrincipalSelector.Anyone;
    public ResourceSelector Resources { get; init; } = ResourceSelector.Any;
    public ActionSelector Actions { get; init; } = ActionSelector.Any;
    public RuleConditions Conditions { get; init; } = RuleConditions.None;
    public ApprovalRequirement? Approval { get; init; }
    public SourceLocation Location { get; init; }

    /// <summary>Where the effect key (allow/deny/review) was written.</summary>
    public SourceLocation EffectLocation { get; init; }
}

/// <summary>Who a rule applies to: anyone named in <see cref="Users"/> or in any of <see cref="Groups"/>. Empty means anyone.</summary>
public sealed record PrincipalSelector(IReadOnlyList<NameReference> Users, IReadOnlyList<NameReference> Groups)
{
    public static PrincipalSelector Anyone { get; } = new([], []);

    public bool IsAnyone => Users.Count == 0 && Groups.Count == 0;
}

/// <summary>Which resources a rule applies to. Every given part must hold; an empty part holds for all.</summary>
public sealed record ResourceSelector(IReadOnlyList<NameReference> Names, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<ResourceType> Types)
{
    public static ResourceSelector Any { get; } = new([], new Dictionary<string, string>(StringComparer.Ordinal), []);

    public bool IsAny => Names.Count == 0 && Labels.Count == 0 && Types.Count == 0;
}

/// <summary>
/// Which actions a rule applies to, per target type. A rule with no action matcher applies to every
/// action on its resources; a rule with some matchers applies only to actions those matchers accept.
/// </summary>
public sealed record ActionSelector(SqlMatcher? Sql, CommandMatcher? Command, HttpMatcher? Http)
{
    public static ActionSelector Any { get; } = new(null, null, null);

    public bool IsAny => Sql is null && Command is null && Http is null;
}

/// <summary>SQL statements of the given kinds that touch tables matching the globs (none given: any table).</summary>
public sealed record SqlMatcher(IReadOnlyList<StatementKind> Kinds, IReadOnlyList<string> Tables, SourceLocation Location);

/// <summary>Commands whose argv matches one of the patterns.</summary>
public sealed record CommandMatcher(IReadOnlyList<string> Argv, SourceLocation Location);

/// <summary>HTTP requests with one of the methods (none: any) and a path matching one of the globs (none: any).</summary>
public sealed record HttpMatcher(IReadOnlyList<string> Methods, IReadOnlyList<string> Paths, SourceLocation Location);

/// <summary>Conditions that must all hold for a rule to match. Max rows is an obligation, not a condition.</summary>
public sealed record RuleConditions
{
    public static RuleConditions None { get; } = new();

    public Schedule? Schedule { get; init; }
    public bool MfaRequired { get; init; }
    public bool ReasonRequired { get; init; }
    public RegexPattern? Ticket { get; init; }
    public NameReference? Grant { get; init; }

    /// <summary>The rule does not apply while the principal holds this grant (e.g. review unless elevated).</summary>
    public NameReference? UnlessGrant { get; init; }
    public long? MaxRows { get; init; }

    /// <summary>True when nothing but the selectors decides whether the rule matches.</summary>
    public bool IsUnconditional => Schedule is null && !MfaRequired && !ReasonRequired && Ticket is null && Grant is null && UnlessGrant is null;
}

/// <summary>Who must approve a review, and how long the approval stays usable.</summary>
public sealed record ApprovalRequirement(IReadOnlyList<NameReference> Groups, int Min, ApprovalMode Mode, TimeSpan Window)
{
    /// <summary>When the approval is given at once, by policy: the first of these that matches the requester now approves.</summary>
    public IReadOnlyList<AutoApproval> AutoApprove { get; init; } = [];

    /// <summary>How long a native client's held statement waits for a decision before it is refused (zero: refused at once).</summary>
    public TimeSpan Wait { get; init; }

    /// <summary>The longest <see cref="Wait"/> policy may set: a connection held open longer serves nobody.</summary>
    public static TimeSpan MaxWait { get; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How recently each approver must have proved MFA when they vote (<c>approvers: { mfa: 15m }</c>): a
    /// vote, to approve or to deny, counts only from someone who did. A stolen approver token alone then
    /// decides nothing. Null: any approver's vote counts, however old their MFA.
    /// </summary>
    public TimeSpan? MfaWithin { get; init; }

    /// <summary>The longest <see cref="MfaWithin"/> policy may set: MFA older than a day proves nothing about who is at the keyboard now.</summary>
    public static TimeSpan MaxMfaWithin { get; } = TimeSpan.FromHours(24);
}

/// <summary>
/// One <c>auto_approve</c> entry of a review rule: who (users or groups; anyone when empty) and when (a
/// schedule, e.g. the on-call group during its shift). A match approves at once, recorded as automatic
/// with the rule and the entry's place in the bundle.
/// </summary>
public sealed record AutoApproval(PrincipalSelector Principals, Schedule? Schedule, SourceLocation Location);

/// <summary>Whether one approving group suffices or every listed group must approve.</summary>
public enum ApprovalMode
{
    Any,
    All,
}

/// <summary>
/// A regular expression as written, compiled for linear-time matching against the WHOLE text (anchored with
/// \A and \z by the loader): <c>Regex.IsMatch</c> on it is a full match, never a search.
/// </summary>
public sealed record RegexPattern(string Pattern, System.Text.RegularExpressions.Regex Regex)
{
    public override string ToString() => Pattern;
}
