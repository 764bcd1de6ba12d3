using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

/// <summary>
/// Binds the YAML trees of a bundle's files into definitions. Sections may be spread over any number of
/// files; a name defined twice anywhere is an error. Split by section into partial files.
/// </summary>
internal sealed partial class BundleReader(NodeBinder binder)
{
    private static readonly string[] TopLevelKeys = ["resources", "users", "service_accounts", "groups", "grants", "rules", "masking", "sessions"];

    private readonly List<ResourceDefinition> _resources = [];
    private readonly List<UserDefinition> _users = [];
    private readonly List<ServiceAccountDefinition> _serviceAccounts = [];
    private readonly List<GroupDefinition> _groups = [];
    private readonly List<GrantDefinition> _grants = [];
    private readonly List<RuleDefinition> _rules = [];
    private readonly List<PolicyTestCase> _tests = [];
    private readonly Dictionary<string, SourceLocation> _definedNames = new(StringComparer.Ordinal);
    private MaskingDefinition? _masking;
    private SessionDefinitions? _sessions;
    private bool _sawPolicyFile;

    public NodeBinder Binder { get; } = binder;

    /// <summary>Every rule id written, valid or not, so that one broken rule does not cascade into errors elsewhere.</summary>
    public IEnumerable<string> DeclaredRuleIds => _definedNames.Keys.Where(k => k.StartsWith("rule:", StringComparison.Ordinal)).Select(k => k[5..]);

    public void ReadPolicyFile(YamlNode root)
    {
        _sawPolicyFile = true;
        if (Binder.Mapping(root, "a policy file") is not { } file)
        {
            return;
        }

        Binder.CheckKeys(file, "a policy file", TopLevelKeys);
        foreach (var (key, value) in file.Entries)
        {
            switch (key.Value)
            {
                case "resources":
                    ForEachNamed(value, "resources", "resource", ReadResource);
                    break;
                case "users":
                    ForEachNamed(value, "users", "user", ReadUser);
                    break;
                case "service_accounts":
                    ForEachNamed(value, "service_accounts", "service account", ReadServiceAccount);
                    break;
                case "groups":
                    ForEachNamed(value, "groups", "group", ReadGroup);
                    break;
                case "grants":
                    ForEachNamed(value, "grants", "grant", ReadGrant);
                    break;
                case "rules":
                    ReadRules(value);
                    break;
                case "masking":
                    ReadMasking(key, value);
                    break;
                case "sessions":
                    ReadSessions(key, value);
                    break;
            }
        }
    }

    public PolicyBundle? Build(string directory, BundleRevision revision)
    {
        if (_rules.Count == 0 && Binder.Diagnostics.Count == 0)
        {
            Binder.Report(PolicyErrors.EmptyBundle, new SourceLocation(directory, 0, 0),
                _sawPolicyFile ? "the bundle defines no rules, so it would deny everything; add at least one rule" : "the bundle has no policy files (*.yaml)");
        }

        return new PolicyBundle
        {
            Directory = directory,
            Revision = revision,
            Resources = _resources,
            Users = _users,
            ServiceAccounts = _serviceAccounts,
            Groups = _groups,
            Grants = _grants,
            Rules = _rules,
            Masking = _masking ?? MaskingDefinition.Default,
            Sessions = _sessions ?? SessionDefinitions.Fallback,
            Tests = _tests,
        };
    }

    /// <summary>Reads a section that maps names to definitions, checking each name once across the bundle.</summary>
    private void ForEachNamed(YamlNode section, string sectionName, string what, Action<YamlScalar, YamlNode> read)
    {
        if (Binder.Mapping(section, $"'{sectionName}'") is not { } mapping)
        {
            return;
        }

        foreach (var (name, value) in mapping.Entries)
        {
            if (!Binder.ValidName(name, $"{what} name"))
            {
                continue;
            }

            // Users and service accounts share one namespace: both can be named as principals in rules.
            var scope = what is "user" or "service account" ? "principal" : what;
            if (_definedNames.TryGetValue($"{scope}:{name.Value}", out var first))
            {
                Binder.Report(PolicyErrors.DuplicateDefinition, name.Location, $"{what} '{name.Value}' is already defined at {first}");
                continue;
            }

            _definedNames[$"{scope}:{name.Value}"] = name.Location;
            read(name, value);
        }
    }

    private void ReadUser(YamlScalar name, YamlNode value)
    {
        if (Binder.Mapping(value, $"user '{name.Value}'") is not { } user)
        {
            return;
        }

        Binder.CheckKeys(user, $"user '{name.Value}'", "email", "description");
        var email = user["email"] is { } e ? Binder.String(e, "email") : null;
        _users.Add(new UserDefinition(name.Value, email, name.Location));
    }

    private void ReadServiceAccount(YamlScalar name, YamlNode value)
    {
        if (Binder.Mapping(value, $"service account '{name.Value}'") is not { } account)
        {
            return;
        }

        Binder.CheckKeys(account, $"service account '{name.Value}'", "description", "owner");
        var description = account["description"] is { } d ? Binder.String(d, "description") : null;
        var owner = account["owner"] is { } o ? Binder.String(o, "owner") : null;
        _serviceAccounts.Add(new ServiceAccountDefinition(name.Value, description, owner, name.Location));
    }

    private void ReadGroup(YamlScalar name, YamlNode value)
    {
        if (Binder.Mapping(value, $"group '{name.Value}'") is not { } group)
        {
            return;
        }

        Binder.CheckKeys(group, $"group '{name.Value}'", "members", "idp_groups", "description");
        var members = group["members"] is { } m ? Binder.Names(m, "members") : [];
        var idp = group["idp_groups"] is { } i ? Binder.Strings(i, "idp_groups") : [];
        _groups.Add(new GroupDefinition(name.Value, members, idp, name.Location));
    }

    private void ReadGrant(YamlScalar name, YamlNode value)
    {
        if (Binder.Mapping(value, $"grant '{name.Value}'") is not { } grant)
        {
            return;
        }

        Binder.CheckKeys(grant, $"grant '{name.Value}'", "description", "max", "approvers", "reason", "ticket", "break_glass");
        var max = grant["max"] is { } m ? Binder.Duration(m, "max") : null;
        if (grant["max"] is null)
        {
            Binder.Report(PolicyErrors.MissingKey, name.Location, $"grant '{name.Value}' needs 'max', the longest time it may be granted for");
        }

        var approvers = grant["approvers"] is { } a ? ReadApprovers(a, TimeSpan.Zero) : null;
        if (grant["approvers"] is null)
        {
            Binder.Report(PolicyErrors.MissingKey, name.Location, $"grant '{name.Value}' needs 'approvers'");
        }

        if (max is null || approvers is null)
        {
            return;
        }

        _grants.Add(new GrantDefinition
        {
            Name = name.Value,
            Description = grant["description"] is { } d ? Binder.String(d, "description") : null,
            MaxDuration = max.Value,
            Approvers = approvers,
            ReasonRequired = grant["reason"] is { } r && ReadReasonRequired(r),
            Ticket = grant["ticket"] is { } t ? ReadRegex(t, "ticket") : null,
            BreakGlassGroups = grant["break_glass"] is { } b ? ReadBreakGlass(b, name.Value) : [],
            Location = name.Location,
        });
    }

    /// <summary><c>break_glass: { groups: [oncall] }</c>: who may take the grant at once.</summary>
    private IReadOnlyList<NameReference> ReadBreakGlass(YamlNode node, string grant)
    {
        if (Binder.Mapping(node, "break_glass") is not { } mapping)
        {
            return [];
        }

        Binder.CheckKeys(mapping, "break_glass", "groups");
        var groups = mapping["groups"] is { } g ? Binder.Names(g, "break-glass groups") : [];
        if (groups.Count == 0)
        {
            Binder.Report(PolicyErrors.MissingKey, mapping.Location, $"grant '{grant}': break_glass needs at least one group in 'groups'");
        }

        return groups;
    }
}
