using System.Globalization;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;
using Airlock.Sql;

namespace Airlock.Policy.Loading;

internal sealed partial class BundleReader
{
    private static readonly Dictionary<string, RuleEffect> Decisions = new(StringComparer.Ordinal)
    {
        ["allow"] = RuleEffect.Allow,
        ["review"] = RuleEffect.Review,
        ["deny"] = RuleEffect.Deny,
    };

    public void ReadTestFile(YamlNode root)
    {
        if (Binder.Mapping(root, "a test file") is not { } file)
        {
            return;
        }

        Binder.CheckKeys(file, "a test file", "cases");
        if (file["cases"] is not { } casesNode)
        {
            Binder.Report(PolicyErrors.MissingKey, file.Location, "a test file needs 'cases', a list of test cases");
            return;
        }

        if (Binder.Sequence(casesNode, "'cases'") is not { } cases)
        {
            return;
        }

        foreach (var item in cases.Items)
        {
            if (Binder.Mapping(item, "a test case") is { } testCase && ReadTestCase(testCase) is { } parsed)
            {
                _tests.Add(parsed);
            }
        }
    }

    private PolicyTestCase? ReadTestCase(YamlMapping testCase)
    {
        Binder.CheckKeys(testCase, "a test case", "name", "given", "expect");
        var name = testCase["name"] is { } n ? Binder.String(n, "name") : null;
        if (name is null)
        {
            Binder.Report(PolicyErrors.MissingKey, testCase.Location, "a test case needs a 'name'");
        }

        var given = testCase["given"] is { } g ? Binder.Mapping(g, "given") : null;
        var expect = testCase["expect"] is { } e ? Binder.Mapping(e, "expect") : null;
        if (given is null || expect is null)
        {
            Binder.Report(PolicyErrors.MissingKey, testCase.Location, $"test case '{name}' needs both 'given' and 'expect'");
            return null;
        }

        Binder.CheckKeys(given, "given", "user", "groups", "idp_groups", "mfa", "reason", "grants", "resource", "sql", "command", "http", "at", "columns");
        Binder.CheckKeys(expect, "expect", "decision", "rule", "masked");

        var user = given["user"] is { } u ? Binder.String(u, "user") : null;
        var resource = given["resource"] is { } r ? Binder.String(r, "resource") : null;
        if (user is null || resource is null)
        {
            Binder.Report(PolicyErrors.MissingKey, given.Location, "given needs 'user' and 'resource'");
        }

        var action = ReadTestAction(given);
        var decision = expect["decision"] is { } d ? Binder.Choice(d, "decision", Decisions) : null;
        if (expect["decision"] is null)
        {
            Binder.Report(PolicyErrors.MissingKey, expect.Location, "expect needs 'decision': allow, review or deny");
        }

        DateTimeOffset? at = null;
        if (given["at"] is { } atNode && Binder.String(atNode, "at") is { } atText)
        {
            if (DateTimeOffset.TryParse(atText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                at = parsed;
            }
            else
            {
                Binder.Report(PolicyErrors.InvalidTestCase, atNode.Location, $"'at' must be an ISO 8601 time such as 2026-03-02T10:00:00Z, not '{atText}'");
            }
        }

        if (user is null || resource is null || action is null || decision is null || name is null)
        {
            return null;
        }

        return new PolicyTestCase
        {
            Name = name,
            Principal = new PrincipalInfo
            {
                User = user,
                Groups = given["groups"] is { } gr ? Binder.Strings(gr, "groups") : [],
                IdpGroups = given["idp_groups"] is { } ig ? Binder.Strings(ig, "idp_groups") : [],
                Mfa = given["mfa"] is { } mfa && (Binder.Bool(mfa, "mfa") ?? false),
                Grants = given["grants"] is { } gt ? Binder.Strings(gt, "grants") : [],
            },
            Resource = resource,
            Action = action,
            Reason = given["reason"] is { } reason ? Binder.String(reason, "reason") : null,
            At = at,
            Columns = given["columns"] is { } c ? Binder.Strings(c, "columns") : [],
            ExpectedDecision = decision.Value,
            ExpectedRule = expect["rule"] is { } rule ? Binder.String(rule, "rule") : null,
            ExpectedMasked = expect["masked"] is { } masked ? Binder.Strings(masked, "masked") : null,
            Location = testCase.Location,
        };
    }

    /// <summary>Exactly one of sql (kind and tables, or text), command (argv) or http (method and path).</summary>
    private TestAction? ReadTestAction(YamlMapping given)
    {
        var present = new[] { "sql", "command", "http" }.Where(k => given[k] is not null).ToList();
        if (present.Count != 1)
        {
            Binder.Report(PolicyErrors.InvalidTestCase, given.Location, $"given needs exactly one action: sql, command or http (found {(present.Count == 0 ? "none" : string.Join(", ", present))})");
            return null;
        }

        var node = given[present[0]]!;
        switch (present[0])
        {
            case "sql" when node is YamlScalar { IsNull: false } text:
                return new TestAction(TargetType.Sql, StatementKind.Unknown, [], text.Value, [], null, null);

            case "sql":
            {
                if (Binder.Mapping(node, "sql") is not { } sql)
                {
                    return null;
                }

                Binder.CheckKeys(sql, "sql", "kind", "tables");
                if (sql["kind"] is not { } kindNode)
                {
                    Binder.Report(PolicyErrors.InvalidTestCase, sql.Location, "sql needs 'kind' (read, write, ddl, …), or give the statement as text");
                    return null;
                }

                if (Binder.Choice(kindNode, "sql kind", StatementKinds.ByName) is not { } kind)
                {
                    return null;
                }

                var tables = sql["tables"] is { } t ? Binder.Strings(t, "tables") : [];
                return new TestAction(TargetType.Sql, kind, tables, null, [], null, null);
            }

            case "command":
            {
                var argv = node is YamlScalar { IsNull: false } line
                    ? line.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    : [.. Binder.Strings(node, "command")];
                if (argv.Length == 0)
                {
                    Binder.Report(PolicyErrors.InvalidTestCase, node.Location, "command needs at least the program name");
                    return null;
                }

                return new TestAction(TargetType.Command, StatementKind.Unknown, [], null, argv, null, null);
            }

            default:
            {
                // "GET /v1/charges" or { method: GET, path: /v1/charges }
                string? method = null, path = null;
                if (node is YamlScalar { IsNull: false } request && request.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var m, var p])
                {
                    (method, path) = (m.ToUpperInvariant(), p);
                }
                else if (node is YamlMapping http)
                {
                    Binder.CheckKeys(http, "http", "method", "path");
                    method = http["method"] is { } mn ? Binder.String(mn, "method")?.ToUpperInvariant() : null;
                    path = http["path"] is { } pn ? Binder.String(pn, "path") : null;
                }

                if (method is null || path is null || !path.StartsWith('/'))
                {
                    Binder.Report(PolicyErrors.InvalidTestCase, node.Location, "http needs a method and a path starting with '/', e.g. \"GET /v1/charges\"");
                    return null;
                }

                return new TestAction(TargetType.Http, StatementKind.Unknown, [], null, [], method, path);
            }
        }
    }
}
