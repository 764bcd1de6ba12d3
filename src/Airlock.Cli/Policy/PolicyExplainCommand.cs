using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Explain;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Cli.Policy;

/// <summary>
/// <c>airlock policy explain DIR --user U --resource R (--sql … | --kind … [--tables …] | --command … | --http …)</c>:
/// shows the decision, the rule that made it, every other match, and what each near miss lacked.
/// </summary>
internal static class PolicyExplainCommand
{
    private static readonly char[] ListSeparators = [',', ' '];

    public static Command Build(CliContext context)
    {
        var dir = PolicyCommands.BundleArgument();
        var user = new Option<string>("--user") { Description = "Who acts.", Required = true };
        var groups = new Option<string?>("--groups") { Description = "Policy groups the user is in, comma-separated (static memberships apply anyway)." };
        var idpGroups = new Option<string?>("--idp-groups") { Description = "Identity-provider group claims, comma-separated; mapped through each group's idp_groups." };
        var grants = new Option<string?>("--grants") { Description = "Active just-in-time grants, comma-separated." };
        var mfa = new Option<bool>("--mfa") { Description = "The user has passed MFA." };
        var reason = new Option<string?>("--reason") { Description = "The reason or ticket given for the action." };
        var resource = new Option<string>("--resource") { Description = "The resource acted on.", Required = true };
        var sql = new Option<string?>("--sql") { Description = "A SQL statement, classified by PostgreSQL's own parser." };
        var kind = new Option<string?>("--kind") { Description = "A SQL statement kind instead of --sql: read, write, ddl, privilege, admin, transaction, session, procedural or unknown." };
        var tables = new Option<string?>("--tables") { Description = "With --kind: the tables touched, comma-separated." };
        var command = new Option<string?>("--command") { Description = "A command line (argv split on spaces) for a command resource." };
        var http = new Option<string?>("--http") { Description = "An HTTP request for an http resource, as \"METHOD /path\"." };
        var at = new Option<string?>("--at") { Description = "When, as ISO 8601 (default: now)." };
        var json = new Option<bool>("--json") { Description = "Print the explanation as JSON." };

        var explain = new Command("explain", "Explain the decision for one action.")
        {
            dir, user, groups, idpGroups, grants, mfa, reason, resource, sql, kind, tables, command, http, at, json,
        };
        explain.SetAction(parse =>
        {
            var snapshot = PolicyCommands.LoadOrReport(context, parse.GetValue(dir)!, out _);
            if (snapshot is null)
            {
                return AirlockCli.Failed;
            }

            var (action, problem) = BuildAction(parse.GetValue(sql), parse.GetValue(kind), parse.GetValue(tables), parse.GetValue(command), parse.GetValue(http));
            var principal = snapshot.ResolvePrincipal(new PrincipalInfo
            {
                User = parse.GetValue(user)!,
                Groups = SplitList(parse.GetValue(groups)),
                IdpGroups = SplitList(parse.GetValue(idpGroups)),
                Grants = SplitList(parse.GetValue(grants)),
                Mfa = parse.GetValue(mfa),
            });
            foreach (var unknown in principal.Info.Groups.Where(g => !snapshot.IsGroupDefined(g)))
            {
                context.Error.WriteLine($"airlock: warning: group '{unknown}' is not defined in the bundle and is ignored");
            }

            var when = ParseTime(parse.GetValue(at)) ?? context.Time.GetUtcNow();
            var request = new AccessRequest(principal, parse.GetValue(resource)!, action, when, parse.GetValue(reason));
            var explanation = PolicyExplainer.Explain(snapshot, request, problem);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(PolicyCommands.ToJson(ToJson(explanation, request)));
            }
            else
            {
                WriteText(context.Out, explanation, request);
            }

            return AirlockCli.Ok;
        });
        return explain;
    }

    private static (PolicyAction Action, string? Problem) BuildAction(string? sql, string? kind, string? tables, string? command, string? http)
    {
        var given = new[] { sql, kind, command, http }.Count(x => x is not null);
        if (given != 1)
        {
            throw new CliUsageException("explain needs exactly one action: --sql, --kind (with --tables), --command or --http");
        }

        if (tables is not null && kind is null)
        {
            throw new CliUsageException("--tables goes with --kind; with --sql the tables come from the statement");
        }

        if (sql is not null)
        {
            var classified = PolicyCommands.Classifier(sql);
            return (PolicyAction.Sql(classified.Kind, classified.Tables), classified.Error is null ? null : $"the SQL did not parse ({classified.Error}), so it counts as 'unknown'");
        }

        if (kind is not null)
        {
            if (!StatementKinds.TryParse(kind, out var parsed))
            {
                throw new CliUsageException($"--kind '{kind}' is not one of: {string.Join(", ", StatementKinds.All.Select(k => k.Name()))}");
            }

            return (PolicyAction.Sql(parsed, [.. SplitList(tables)]), null);
        }

        if (command is not null)
        {
            var argv = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return argv.Length == 0 ? throw new CliUsageException("--command is empty") : (PolicyAction.Command(argv), null);
        }

        var parts = http!.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !parts[1].StartsWith('/'))
        {
            throw new CliUsageException("--http must look like \"GET /v1/charges\"");
        }

        var path = parts[1].Split('?')[0];
        return (PolicyAction.Http(parts[0].ToUpperInvariant(), path), null);
    }

    private static string[] SplitList(string? text) => text is null ? [] : text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries);

    private static DateTimeOffset? ParseTime(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw new CliUsageException($"--at '{text}' is not an ISO 8601 time such as 2026-03-02T10:00:00Z");
    }

    private static void WriteText(TextWriter output, PolicyExplanation explanation, in AccessRequest request)
    {
        output.WriteLine($"Decision: {PolicyCommands.Name(explanation.Decision).ToUpperInvariant()}");
        if (explanation.DecidingRule is { } deciding)
        {
            output.WriteLine($"  decided by: {deciding.Rule.Id} ({deciding.Rule.Location})");
            if (deciding.Rule.Message is { } message)
            {
                output.WriteLine($"  message: {message}");
            }

            if (deciding.Rule.Definition.Approval is { } approval && explanation.Decision == RuleEffect.Review)
            {
                output.WriteLine($"  approvers: {approval.Min} from {(approval.Mode == ApprovalMode.All ? "each of" : "any of")} [{string.Join(", ", approval.Groups.Select(g => g.Name))}], window {Airlock.Policy.Loading.DurationText.Format(approval.Window)}{(approval.MfaWithin is { } mfa ? $", each with MFA from the last {Airlock.Policy.Loading.DurationText.Format(mfa)}" : string.Empty)}");
            }
        }
        else
        {
            output.WriteLine("  decided by: no rule matched (default deny)");
        }

        if (explanation.MaxRows is { } rows)
        {
            output.WriteLine($"  max rows: {rows}");
        }

        output.WriteLine($"  revision: {explanation.Revision}");
        output.WriteLine($"Request: {request.Principal.User} (groups: {(explanation.PrincipalGroups.Count == 0 ? "none" : string.Join(", ", explanation.PrincipalGroups))}{(request.Principal.Mfa ? ", mfa" : string.Empty)}) on {request.Resource}: {explanation.Action} at {request.At:yyyy-MM-ddTHH:mm:ssK}");
        if (explanation.Problem is { } problem)
        {
            output.WriteLine($"Note: {problem}");
        }

        var others = explanation.Matched.Where(m => !ReferenceEquals(m.Rule, explanation.DecidingRule?.Rule)).ToList();
        output.WriteLine(others.Count == 0 ? "Other matching rules: none" : "Other matching rules:");
        foreach (var other in others)
        {
            output.WriteLine($"  - {other.Rule.Id} [{PolicyCommands.Name(other.Rule.Effect)}] ({other.Rule.Location})");
        }

        output.WriteLine(explanation.NearMisses.Count == 0 ? "Near misses: none" : "Near misses (rules for this resource that did not match):");
        foreach (var miss in explanation.NearMisses)
        {
            output.WriteLine($"  - {miss.Rule.Id} [{PolicyCommands.Name(miss.Rule.Effect)}] ({miss.Rule.Location})");
            foreach (var failed in miss.Failed)
            {
                output.WriteLine($"      {failed}");
            }
        }
    }

    private static JsonObject ToJson(PolicyExplanation explanation, in AccessRequest request)
    {
        static JsonObject Rule(RuleExplanation r) => new()
        {
            ["id"] = r.Rule.Id,
            ["effect"] = PolicyCommands.Name(r.Rule.Effect),
            ["message"] = r.Rule.Message,
            ["location"] = PolicyCommands.LocationJson(r.Rule.Location),
            ["failed"] = new JsonArray([.. r.Failed.Select(f => (JsonNode)JsonValue.Create(f))]),
        };

        return new JsonObject
        {
            ["decision"] = PolicyCommands.Name(explanation.Decision),
            ["deciding_rule"] = explanation.DecidingRule is { } d ? Rule(d) : null,
            ["default_deny"] = explanation.DecidingRule is null,
            ["matched"] = new JsonArray([.. explanation.Matched.Select(m => (JsonNode)Rule(m))]),
            ["near_misses"] = new JsonArray([.. explanation.NearMisses.Select(m => (JsonNode)Rule(m))]),
            ["max_rows"] = explanation.MaxRows,
            ["revision"] = PolicyCommands.RevisionJson(explanation.Revision),
            ["principal"] = new JsonObject
            {
                ["user"] = request.Principal.User,
                ["groups"] = new JsonArray([.. explanation.PrincipalGroups.Select(g => (JsonNode)JsonValue.Create(g))]),
                ["mfa"] = request.Principal.Mfa,
            },
            ["resource"] = request.Resource,
            ["action"] = explanation.Action,
            ["at"] = request.At.ToString("O", CultureInfo.InvariantCulture),
            ["problem"] = explanation.Problem,
        };
    }
}
