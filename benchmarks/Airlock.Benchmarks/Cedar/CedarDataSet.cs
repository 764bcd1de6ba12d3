using System.Text.Json;
using System.Text.Json.Nodes;
using Airlock.Benchmarks.Generation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Benchmarks.Cedar;

/// <summary>
/// Writes, for each rule count, the data the Cedar script times: the generated bundle translated to
/// Cedar, the same four decisions the BenchmarkDotNet benchmark times, and a few hundred random
/// requests with Airlock's own outcome for each, so the script can prove the two policy sets agree
/// before it times anything.
/// </summary>
/// <remarks>Output: <c>DIR/cedar-N.json</c> with <c>policies</c>, <c>effects</c>, <c>decisions</c> and <c>checks</c>.</remarks>
internal static class CedarDataSet
{
    private const int CheckCount = 500;

    private static readonly string[] Tables = ["public.orders", "public.customers", "reporting.daily_revenue", "billing.invoices", "auth.users", "app.secrets", "internal.audit_log"];

    private static readonly StatementKind[] Kinds = [StatementKind.Read, StatementKind.Write, StatementKind.Ddl, StatementKind.Privilege, StatementKind.Admin, StatementKind.Transaction, StatementKind.Session];

    /// <summary>Instants that put each schedule of the generated bundle both inside and outside its window.</summary>
    private static readonly DateTimeOffset[] Instants =
    [
        BundleGenerator.DecisionTime,                       // Wednesday 12:00 in Berlin: office hours
        new(2025, 6, 11, 19, 30, 0, TimeSpan.Zero),         // Wednesday 21:30 in Berlin: billing closed, on-call writes out of hours
        new(2025, 6, 14, 10, 0, 0, TimeSpan.Zero),          // Saturday: the weekend freeze
        new(2025, 6, 10, 5, 30, 0, TimeSpan.Zero),          // Tuesday 07:30 in Berlin: the morning part of Monday night's window
        new(2025, 6, 9, 5, 30, 0, TimeSpan.Zero),           // Monday 07:30 in Berlin: Sunday night has no window
    ];

    public static int Emit(string[] args)
    {
        if (args.Length < 2 || args[1..].Any(a => !int.TryParse(a, out _)))
        {
            Console.Error.WriteLine("usage: Airlock.Benchmarks --emit-cedar DIR RULE_COUNT [RULE_COUNT...]");
            return 2;
        }

        Directory.CreateDirectory(args[0]);
        foreach (var ruleCount in args[1..].Select(int.Parse))
        {
            var path = Path.Combine(args[0], $"cedar-{ruleCount}.json");
            var generated = GeneratedBundle.Create(ruleCount);
            File.WriteAllText(path, Build(generated).ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            Console.WriteLine($"{path}: {ruleCount} rules, {generated.Shape.Resources} databases, {generated.Shape.Teams} teams (loaded in {generated.LoadTime.TotalMilliseconds:F0} ms)");
        }

        return 0;
    }

    private static JsonObject Build(GeneratedBundle generated)
    {
        var snapshot = generated.Snapshot;
        var cedar = CedarTranslator.Translate(snapshot.Bundle);

        var decisions = new JsonArray();
        var principal = snapshot.ResolvePrincipal(DecisionScenario.Principal(generated.Shape));
        var resource = DecisionScenario.Resource(generated.Shape);
        foreach (var decision in DecisionScenario.Decisions(generated.Shape))
        {
            var request = DecisionScenario.Request(principal, resource, decision, BundleGenerator.DecisionTime);
            DecisionScenario.Verify(snapshot, request, decision);
            decisions.Add(Request(decision.Name, snapshot, request, decision.Table, cedar));
        }

        var checks = new JsonArray();
        var random = new Random(20250611);
        var users = snapshot.Bundle.Users.Select(u => u.Name).ToArray();
        var resources = snapshot.Bundle.Resources;
        for (var i = 0; i < CheckCount; i++)
        {
            var user = users[random.Next(users.Length)];
            var who = snapshot.ResolvePrincipal(new PrincipalInfo { User = user, Mfa = random.Next(2) == 0 });

            // Half the requests go to a database of the user's own team, where most rules apply.
            var own = resources.Where(r => r.Labels.TryGetValue("team", out var team) && user.StartsWith(team + "-", StringComparison.Ordinal)).ToList();
            var target = own.Count > 0 && random.Next(2) == 0 ? own[random.Next(own.Count)] : resources[random.Next(resources.Count)];
            var table = Tables[random.Next(Tables.Length)];
            var request = new AccessRequest(who, target.Name, PolicyAction.Sql(Kinds[random.Next(Kinds.Length)], [table]), Instants[random.Next(Instants.Length)]);
            checks.Add(Request($"check-{i}", snapshot, request, table, cedar));
        }

        return new JsonObject
        {
            ["ruleCount"] = generated.Shape.RuleCount,
            ["policies"] = new JsonObject(cedar.Policies.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["effects"] = new JsonObject(cedar.Effects.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["decisions"] = decisions,
            ["checks"] = checks,
        };
    }

    /// <summary>One Cedar request, with the entities it needs and the outcome Airlock gives it.</summary>
    private static JsonObject Request(string name, PolicySnapshot snapshot, in AccessRequest request, string table, CedarPolicySet cedar)
    {
        var outcome = snapshot.Decide(request, new DecisionBuffer());
        if (!snapshot.TryGetResource(request.Resource, out var resource))
        {
            throw new InvalidOperationException($"{name}: resource '{request.Resource}' is not in the bundle");
        }

        var context = new JsonObject { ["mfa"] = request.Principal.Mfa, ["table"] = table };
        foreach (var zone in cedar.Zones)
        {
            var local = TimeZoneInfo.ConvertTime(request.At, zone);
            var day = (int)local.DayOfWeek;
            context[CedarTranslator.ClockName(zone)] = new JsonObject
            {
                ["day"] = day,
                ["minute"] = (local.Hour * 60) + local.Minute,
                ["yesterday"] = (day + 6) % 7,
            };
        }

        var attrs = new JsonObject { ["name"] = resource.Name };
        foreach (var (label, value) in resource.Labels)
        {
            attrs[label] = value;
        }

        return new JsonObject
        {
            ["name"] = name,
            ["principal"] = Uid("User", request.Principal.User),
            ["action"] = Uid("Action", request.Action.Kind.Name()),
            ["resource"] = Uid("Database", resource.Name),
            ["context"] = context,
            ["entities"] = new JsonArray(
                new JsonObject
                {
                    ["uid"] = Uid("User", request.Principal.User),
                    ["attrs"] = new JsonObject(),
                    ["parents"] = new JsonArray([.. request.Principal.Groups.Select(g => (JsonNode)Uid("Group", g))]),
                },
                new JsonObject
                {
                    ["uid"] = Uid("Database", resource.Name),
                    ["attrs"] = attrs,
                    ["parents"] = new JsonArray(),
                }),
            ["expected"] = new JsonObject
            {
                ["effect"] = outcome.Effect switch { RuleEffect.Allow => "allow", RuleEffect.Review => "review", _ => "deny" },
                ["rule"] = outcome.DecidingRuleId,
            },
        };
    }

    private static JsonObject Uid(string type, string id) => new() { ["type"] = $"{CedarTranslator.Namespace}::{type}", ["id"] = id };
}
