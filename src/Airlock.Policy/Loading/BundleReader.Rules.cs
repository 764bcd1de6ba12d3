using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;
using Airlock.Sql;

namespace Airlock.Policy.Loading;

internal sealed partial class BundleReader
{
    private static readonly string[] MatchKeys = ["users", "groups", "resources", "sql", "command", "http", "schedule", "mfa", "reason", "ticket", "grant", "unless_grant"];
    private static readonly string[] AllowKeys = [.. MatchKeys, "max_rows"];
    private static readonly string[] ReviewKeys = [.. MatchKeys, "max_rows", "approvers", "window", "auto_approve", "wait"];

    private static readonly Dictionary<string, RuleEffect> Effects = new(StringComparer.Ordinal)
    {
        ["allow"] = RuleEffect.Allow,
        ["review"] = RuleEffect.Review,
        ["deny"] = RuleEffect.Deny,
    };

    private static readonly Dictionary<string, ApprovalMode> ApprovalModes = new(StringComparer.Ordinal)
    {
        ["any"] = ApprovalMode.Any,
        ["all"] = ApprovalMode.All,
    };

    private void ReadRules(YamlNode node)
    {
        if (Binder.Sequence(node, "'rules'") is not { } rules)
        {
            return;
        }

        foreach (var item in rules.Items)
        {
            if (Binder.Mapping(item, "a rule") is { } rule)
            {
                ReadRule(rule);
            }
        }
    }

    private void ReadRule(YamlMapping rule)
    {
        Binder.CheckKeys(rule, "a rule", "id", "description", "message", "allow", "deny", "review");
        string? id = null;
        if (rule.Entries.FirstOrDefault(e => e.Key.Value == "id") is { Key: not null } idEntry
            && idEntry.Value is YamlScalar { IsNull: false } idScalar)
        {
            if (idScalar.Value == Evaluation.PolicyDecision.DefaultDenyId)
            {
                Binder.Report(PolicyErrors.InvalidName, idScalar.Location, $"'{idScalar.Value}' is reserved: decisions name it when no rule matched");
            }
            else if (Binder.ValidName(idScalar, "rule id"))
            {
                id = idScalar.Value;
                if (_definedNames.TryGetValue($"rule:{id}", out var first))
                {
                    Binder.Report(PolicyErrors.DuplicateDefinition, idScalar.Location, $"rule id '{id}' is already used at {first}; rule ids must be unique across the bundle");
                    id = null;
                }
                else
                {
                    _definedNames[$"rule:{id}"] = idScalar.Location;
                }
            }
        }
        else
        {
            Binder.Report(PolicyErrors.MissingKey, rule.Location, "a rule needs an 'id', so decisions and audit records can name it");
        }

        var effects = rule.Entries.Where(e => Effects.ContainsKey(e.Key.Value)).ToList();
        if (effects.Count != 1)
        {
            Binder.Report(PolicyErrors.EffectCount, effects.Count == 0 ? rule.Location : effects[1].Key.Location,
                $"rule '{id ?? "?"}' needs exactly one of allow, deny or review; it has {(effects.Count == 0 ? "none" : string.Join(" and ", effects.Select(e => e.Key.Value)))}");
            return;
        }

        var (effectKey, blockNode) = effects[0];
        var effect = Effects[effectKey.Value];
        var what = $"the {effectKey.Value} block of rule '{id ?? "?"}'";
        if (Binder.Mapping(blockNode, what) is not { } block)
        {
            return;
        }

        Binder.CheckKeys(block, what, effect switch { RuleEffect.Allow => AllowKeys, RuleEffect.Review => ReviewKeys, _ => MatchKeys });
        var approval = effect == RuleEffect.Review ? ReadRuleApproval(block, what) : null;
        var definition = new RuleDefinition
        {
            Id = id ?? "?",
            Effect = effect,
            Message = rule["message"] is { } m ? Binder.String(m, "message") : null,
            Description = rule["description"] is { } d ? Binder.String(d, "description") : null,
            Principals = ReadPrincipals(block),
            Resources = block["resources"] is { } r ? ReadResourceSelector(r) : ResourceSelector.Any,
            Actions = new ActionSelector(
                block["sql"] is { } sql ? ReadSqlMatcher(sql) : null,
                block["command"] is { } cmd ? ReadCommandMatcher(cmd) : null,
                block["http"] is { } http ? ReadHttpMatcher(http) : null),
            Conditions = ReadConditions(block),
            Approval = approval,
            Location = rule.Location,
            EffectLocation = effectKey.Location,
        };

        if (id is not null)
        {
            _rules.Add(definition);
        }
    }

    private ApprovalRequirement? ReadRuleApproval(YamlMapping block, string what)
    {
        var window = TimeSpan.FromMinutes(15);
        if (block["window"] is { } w && Binder.Duration(w, "window") is { } parsed)
        {
            window = parsed;
        }

        if (block["approvers"] is { } approvers)
        {
            var requirement = ReadApprovers(approvers, window);
            if (requirement is not null && block["auto_approve"] is { } auto)
            {
                requirement = requirement with { AutoApprove = ReadAutoApprove(auto) };
            }

            if (requirement is not null && block["wait"] is { } waitNode && Binder.Duration(waitNode, "wait") is { } wait)
            {
                if (wait > ApprovalRequirement.MaxWait)
                {
                    Binder.Report(PolicyErrors.InvalidValue, waitNode.Location, $"wait is at most {DurationText.Format(ApprovalRequirement.MaxWait)}: a client kept waiting longer is better served by a request it can come back to");
                }
                else
                {
                    requirement = requirement with { Wait = wait };
                }
            }

            return requirement;
        }

        Binder.Report(PolicyErrors.MissingKey, block.Location, $"{what} needs 'approvers': who may approve, e.g. {{ groups: [approvers], min: 1 }}");
        return null;
    }

    /// <summary><c>auto_approve: [ { groups: [oncall], schedule: { days: [mon-fri], hours: "09:00-17:00" } } ]</c>.</summary>
    private List<AutoApproval> ReadAutoApprove(YamlNode node)
    {
        var entries = new List<AutoApproval>();
        if (Binder.Sequence(node, "auto_approve") is not { } items)
        {
            return entries;
        }

        foreach (var item in items.Items)
        {
            if (Binder.Mapping(item, "an auto_approve entry") is not { } entry)
            {
                continue;
            }

            Binder.CheckKeys(entry, "an auto_approve entry", "users", "groups", "schedule");
            if (entry.Entries.Count == 0)
            {
                Binder.Report(PolicyErrors.MissingKey, entry.Location, "an auto_approve entry needs users, groups or a schedule: an empty one would approve everything held by the rule");
                continue;
            }

            entries.Add(new AutoApproval(ReadPrincipals(entry), entry["schedule"] is { } s ? ReadSchedule(s) : null, entry.Location));
        }

        return entries;
    }

    private ApprovalRequirement? ReadApprovers(YamlNode node, TimeSpan window)
    {
        if (Binder.Mapping(node, "approvers") is not { } approvers)
        {
            return null;
        }

        Binder.CheckKeys(approvers, "approvers", "groups", "min", "mode", "mfa");
        var groups = approvers["groups"] is { } g ? Binder.Names(g, "approver groups") : [];
        if (groups.Count == 0)
        {
            Binder.Report(PolicyErrors.MissingKey, approvers.Location, "approvers need at least one group in 'groups'");
            return null;
        }

        var min = approvers["min"] is { } m ? Binder.Integer(m, "min", 1, 100) ?? 1 : 1;
        var mode = approvers["mode"] is { } modeNode ? Binder.Choice(modeNode, "mode", ApprovalModes) ?? ApprovalMode.Any : ApprovalMode.Any;
        return new ApprovalRequirement(groups, (int)min, mode, window) { MfaWithin = approvers["mfa"] is { } mfa ? ReadApproverMfa(mfa) : null };
    }

    /// <summary>
    /// <c>mfa: 15m</c> in approvers: how recent an approver's MFA must be when they vote. Not the rule
    /// condition <c>mfa: required</c> (the requester's MFA), which people may reach for here.
    /// </summary>
    private TimeSpan? ReadApproverMfa(YamlNode node)
    {
        if (node is YamlScalar { IsNull: false, Value: "required" or "true" })
        {
            Binder.Report(PolicyErrors.InvalidValue, node.Location, "approvers' mfa is how recent an approver's MFA must be when they vote, as a duration, e.g. mfa: 15m");
            return null;
        }

        if (Binder.Duration(node, "approvers' mfa") is not { } within)
        {
            return null;
        }

        if (within > ApprovalRequirement.MaxMfaWithin)
        {
            Binder.Report(PolicyErrors.InvalidValue, node.Location, $"approvers' mfa is at most {DurationText.Format(ApprovalRequirement.MaxMfaWithin)}: MFA older than that proves little about who is deciding now");
            return null;
        }

        return within;
    }

    private PrincipalSelector ReadPrincipals(YamlMapping block)
    {
        var users = block["users"] is { } u ? Binder.Names(u, "users") : [];
        var groups = block["groups"] is { } g ? Binder.Names(g, "groups") : [];
        return users.Count == 0 && groups.Count == 0 ? PrincipalSelector.Anyone : new PrincipalSelector(users, groups);
    }

    /// <summary>A list of names and globs, or a mapping of names, labels and types.</summary>
    private ResourceSelector ReadResourceSelector(YamlNode node)
    {
        if (node is YamlSequence or YamlScalar { IsNull: false })
        {
            return new ResourceSelector(Binder.Names(node, "resources"), new Dictionary<string, string>(StringComparer.Ordinal), []);
        }

        if (Binder.Mapping(node, "resources") is not { } mapping)
        {
            return ResourceSelector.Any;
        }

        Binder.CheckKeys(mapping, "resources", "names", "labels", "types");
        var names = mapping["names"] is { } n ? Binder.Names(n, "resource names") : [];
        var labels = mapping["labels"] is { } l ? ReadLabels(l) : new Dictionary<string, string>(StringComparer.Ordinal);
        var types = new List<ResourceType>();
        if (mapping["types"] is { } t)
        {
            foreach (var type in Binder.Names(t, "resource types"))
            {
                if (Binder.Choice(new YamlScalar(type.Location, type.Name, true), "resource type", ResourceTypes) is { } parsed)
                {
                    types.Add(parsed);
                }
            }
        }

        return new ResourceSelector(names, labels, types);
    }

    /// <summary>A list of kinds, or a mapping of kinds and table globs.</summary>
    private SqlMatcher ReadSqlMatcher(YamlNode node)
    {
        YamlNode? kindsNode = node;
        IReadOnlyList<string> tables = [];
        if (node is YamlMapping mapping)
        {
            Binder.CheckKeys(mapping, "sql", "kinds", "tables");
            kindsNode = mapping["kinds"];
            tables = mapping["tables"] is { } t ? Binder.Strings(t, "tables") : [];
        }

        var kinds = new List<StatementKind>();
        foreach (var name in kindsNode is null ? StatementKinds.All.Select(k => new NameReference(k.Name(), node.Location)) : Binder.Names(kindsNode, "sql kinds"))
        {
            if (Binder.Choice(new YamlScalar(name.Location, name.Name, true), "sql kind", StatementKinds.ByName) is { } kind)
            {
                kinds.Add(kind);
            }
        }

        return new SqlMatcher(kinds, tables, node.Location);
    }

    /// <summary>A list of argv patterns, or a mapping with 'argv'.</summary>
    private CommandMatcher ReadCommandMatcher(YamlNode node)
    {
        var argvNode = node;
        if (node is YamlMapping mapping)
        {
            Binder.CheckKeys(mapping, "command", "argv");
            argvNode = mapping["argv"] ?? new YamlSequence(node.Location, []);
        }

        var patterns = Binder.Strings(argvNode, "command argv patterns");
        foreach (var pattern in patterns)
        {
            if (pattern.Trim().Length == 0)
            {
                Binder.Report(PolicyErrors.InvalidValue, argvNode.Location, "an argv pattern cannot be empty");
            }
        }

        return new CommandMatcher(patterns, node.Location);
    }

    private HttpMatcher ReadHttpMatcher(YamlNode node)
    {
        if (Binder.Mapping(node, "http") is not { } mapping)
        {
            return new HttpMatcher([], [], node.Location);
        }

        Binder.CheckKeys(mapping, "http", "methods", "paths");
        var methods = mapping["methods"] is { } m ? Binder.Names(m, "methods") : [];
        foreach (var method in methods.Where(x => !HttpMethods.Contains(x.Name.ToUpperInvariant(), StringComparer.Ordinal)))
        {
            Binder.Report(PolicyErrors.InvalidValue, method.Location, $"'{method.Name}' is not an HTTP method; use one of: {string.Join(", ", HttpMethods)}");
        }

        var paths = mapping["paths"] is { } p ? Binder.Names(p, "paths") : [];
        foreach (var path in paths.Where(x => !x.Name.StartsWith('/')))
        {
            Binder.Report(PolicyErrors.InvalidValue, path.Location, $"path pattern '{path.Name}' must start with '/'");
        }

        return new HttpMatcher([.. methods.Select(x => x.Name.ToUpperInvariant())], [.. paths.Select(x => x.Name)], node.Location);
    }

    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
}
