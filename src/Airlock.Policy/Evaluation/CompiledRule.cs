using System.Collections.Frozen;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;

namespace Airlock.Policy.Evaluation;

/// <summary>
/// A rule prepared for fast matching: group and grant references turned into bit positions, argv
/// patterns split, method names upper-cased. Immutable once built.
/// </summary>
public sealed class CompiledRule
{
    private readonly FrozenSet<string> _users;
    private readonly ulong[] _groupMask;
    private readonly bool _anyone;
    private readonly string[] _tables;
    private readonly string[][] _argv;
    private readonly string[] _methods;
    private readonly string[] _paths;
    private readonly int _grantIndex;
    private readonly int _unlessGrantIndex;

    internal CompiledRule(RuleDefinition definition, int order, ulong[] groupMask, int grantIndex, int unlessGrantIndex)
    {
        _unlessGrantIndex = unlessGrantIndex;
        Definition = definition;
        Order = order;
        _anyone = definition.Principals.IsAnyone;
        _users = definition.Principals.Users.Select(u => u.Name).ToFrozenSet(StringComparer.Ordinal);
        _groupMask = groupMask;
        _grantIndex = grantIndex;
        _tables = [.. definition.Actions.Sql?.Tables ?? []];
        _argv = [.. (definition.Actions.Command?.Argv ?? []).Select(p => p.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        _methods = [.. definition.Actions.Http?.Methods ?? []];
        _paths = [.. definition.Actions.Http?.Paths ?? []];
    }

    public RuleDefinition Definition { get; }

    public string Id => Definition.Id;

    public RuleEffect Effect => Definition.Effect;

    public string? Message => Definition.Message;

    public SourceLocation Location => Definition.Location;

    /// <summary>The rule's position in the bundle; among rules of equal effect the earliest decides.</summary>
    public int Order { get; }

    internal bool MatchesPrincipal(ResolvedPrincipal principal) =>
        _anyone || _users.Contains(principal.User) || ResolvedPrincipal.Intersects(_groupMask, principal.GroupBits);

    /// <summary>Whether the action is one this rule's matchers accept. Slot indexing already checked the kind.</summary>
    internal bool MatchesAction(in PolicyAction action) => action.Target switch
    {
        TargetType.Sql => MatchesTables(action.Tables),
        TargetType.Command => Definition.Actions.Command is null || MatchesArgv(action.Argv),
        _ => Definition.Actions.Http is null || MatchesHttp(action.Method!, action.Path!),
    };

    /// <summary>False when the rule needs a grant the principal does not hold now (its other conditions are not looked at).</summary>
    internal bool GrantHeldBy(ResolvedPrincipal principal) =>
        Definition.Conditions.Grant is null || ResolvedPrincipal.Has(principal.GrantBits, _grantIndex);

    internal bool ConditionsHold(in AccessRequest request)
    {
        var conditions = Definition.Conditions;
        if (conditions.MfaRequired && !request.Principal.Mfa)
        {
            return false;
        }

        if (conditions.ReasonRequired && string.IsNullOrWhiteSpace(request.Reason))
        {
            return false;
        }

        if (conditions.Ticket is { } ticket && (request.Reason is null || !ticket.Regex.IsMatch(request.Reason)))
        {
            return false;
        }

        if (conditions.Grant is not null && !ResolvedPrincipal.Has(request.Principal.GrantBits, _grantIndex))
        {
            return false;
        }

        if (conditions.UnlessGrant is not null && ResolvedPrincipal.Has(request.Principal.GrantBits, _unlessGrantIndex))
        {
            return false;
        }

        return conditions.Schedule is not { } schedule || schedule.Contains(request.At);
    }

    /// <summary>
    /// Allow rules need every table of the statement to match (an allow on orders must not let a join
    /// read customers); deny and review rules fire when any table matches.
    /// </summary>
    internal bool MatchesTables(string[] tables)
    {
        if (_tables.Length == 0)
        {
            return true;
        }

        var strict = Effect == RuleEffect.Allow;
        foreach (var table in tables)
        {
            var hit = false;
            foreach (var pattern in _tables)
            {
                if (TableNames.Matches(pattern, table, strict))
                {
                    hit = true;
                    break;
                }
            }

            if (strict && !hit)
            {
                return false;
            }

            if (!strict && hit)
            {
                return true;
            }
        }

        return strict;
    }

    internal bool MatchesArgv(string[] argv)
    {
        foreach (var pattern in _argv)
        {
            if (ArgvMatches(pattern, argv))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Token by token; a final <c>**</c> token matches any remaining arguments, none included.</summary>
    internal static bool ArgvMatches(string[] pattern, string[] argv)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (i == pattern.Length - 1 && pattern[i] == "**")
            {
                return true;
            }

            if (i >= argv.Length || !Glob.IsMatch(pattern[i], argv[i]))
            {
                return false;
            }
        }

        return pattern.Length == argv.Length;
    }

    internal bool MatchesHttp(string method, string path)
    {
        if (_methods.Length > 0 && Array.IndexOf(_methods, method) < 0)
        {
            return false;
        }

        if (_paths.Length == 0)
        {
            return true;
        }

        foreach (var pattern in _paths)
        {
            if (Glob.IsPathMatch(pattern, path))
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{Id} ({Location})";
}
