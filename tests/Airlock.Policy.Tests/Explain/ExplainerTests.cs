using Airlock.Policy.Compilation;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Explain;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Explain;

/// <summary>
/// The explainer walks every rule check by check; Decide walks a compiled index. For any request, a
/// rule that selects the resource must be either matched (by Decide) or a near miss with a named failed
/// check (by the explainer), never both and never neither.
/// </summary>
public sealed class ExplainerTests
{
    [Fact]
    public void The_explainer_agrees_with_decide_on_generated_requests_against_the_sample_bundle()
    {
        var load = BundleLoader.Load(SampleBundle.Directory);
        Assert.True(load.Succeeded, load.Describe());
        var snapshot = SnapshotCompiler.Compile(load.Bundle!);
        var bundle = snapshot.Bundle;
        var random = new Random(20260302);

        string[] users = [.. bundle.Users.Select(u => u.Name), .. bundle.ServiceAccounts.Select(s => s.Name), "zoe", "mallory"];
        string[] idpClaims = [.. bundle.Groups.SelectMany(g => g.IdpGroups), "unmapped"];
        string[] resources = [.. bundle.Resources.Select(r => r.Name), "no-such-resource"];
        string[] grants = [.. bundle.Grants.Select(g => g.Name)];
        string?[] reasons = [null, "", "INC-4711", "CHG-12", "ticket 5521: double charge", "fixing stuff"];
        string[][] tableSets = [[], ["orders"], ["customers"], ["orders", "customers"], ["payments.card_vault"], ["card_vault"], ["billing.invoices"], ["public.orders"], ["orders", "billing.invoices"]];
        string[][] argvs = [["kubectl", "get", "pods"], ["kubectl", "logs", "deploy/api", "-n", "payments"], ["kubectl", "exec", "-it", "api", "--", "sh"], ["kubectl", "rollout", "restart", "deployment/api"], ["kubectl", "rollout", "restart", "deployment/api", "-n", "payments"], ["kubectl", "delete", "pod", "x"], ["kubectl", "scale", "deployment/api", "--replicas=0"], ["kubectl"]];
        (string, string)[] requests = [("GET", "/v1/charges/ch_1"), ("GET", "/v1/charges/ch_1/refunds"), ("POST", "/v1/refunds"), ("GET", "/v1/customers/cus_1"), ("DELETE", "/v1/customers/cus_1"), ("POST", "/v1/charges"), ("GET", "/")];
        DateTimeOffset[] times = [Noon, new(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)), new(2026, 11, 21, 10, 0, 0, TimeSpan.FromHours(1)), new(2026, 11, 23, 22, 30, 0, TimeSpan.FromHours(1))];

        T Pick<T>(T[] items) => items[random.Next(items.Length)];
        PolicyAction RandomHttp()
        {
            var (method, path) = Pick(requests);
            return PolicyAction.Http(method, path);
        }

        PolicyAction RandomAction() => random.Next(3) switch
        {
            0 => PolicyAction.Sql(Pick(StatementKinds.All.ToArray()), [.. Pick(tableSets)]),
            1 => PolicyAction.Command([.. Pick(argvs)]),
            _ => RandomHttp(),
        };

        var decidedBy = new HashSet<string>(StringComparer.Ordinal);
        var effects = new HashSet<RuleEffect>();
        var nearMissChecks = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new DecisionBuffer();
        for (var n = 0; n < 5_000; n++)
        {
            var who = new PrincipalInfo
            {
                User = Pick(users),
                Mfa = random.Next(2) == 0,
                IdpGroups = random.Next(3) == 0 ? [Pick(idpClaims)] : [],
                Grants = random.Next(3) == 0 ? grants : [],
            };
            var request = new AccessRequest(snapshot.ResolvePrincipal(who), Pick(resources), RandomAction(), Pick(times), Pick(reasons));

            var decision = snapshot.Decide(request, buffer);
            var explanation = PolicyExplainer.Explain(snapshot, request);
            var context = $"request {n}: {who.User} on {request.Resource}: {request.Action}";

            Assert.True(decision.Effect == explanation.Decision, context);
            Assert.True(decision.DecidingRule?.Id == explanation.DecidingRule?.Rule.Id, context);
            Assert.True(decision.MaxRows == explanation.MaxRows, context);
            var matched = decision.Matched.Select(r => r.Id).ToList();
            Assert.True(matched.SequenceEqual(explanation.Matched.Select(m => m.Rule.Id), StringComparer.Ordinal), context);

            // The deciding rule follows from the explained matches alone: the earliest of the strongest effect.
            var strongest = explanation.Matched.Select(m => m.Rule).OrderByDescending(r => r.Effect).ThenBy(r => r.Order).FirstOrDefault();
            Assert.True(strongest?.Id == explanation.DecidingRule?.Rule.Id, context);

            var selecting = snapshot.TryGetResource(request.Resource, out var resource)
                ? snapshot.Rules.Where(r => ResourceSelectors.Matches(r.Definition.Resources, resource)).Select(r => r.Id).ToHashSet(StringComparer.Ordinal)
                : [];
            var nearMisses = explanation.NearMisses.Select(m => m.Rule.Id).ToList();
            Assert.True(selecting.SetEquals(matched.Concat(nearMisses)), $"{context}: a selecting rule is neither matched nor a near miss, or is both");
            Assert.Equal(selecting.Count, matched.Count + nearMisses.Count);
            Assert.All(explanation.NearMisses, m => Assert.NotEmpty(m.Failed));
            Assert.Equal(resource is null, explanation.Problem is not null);

            if (decision.DecidingRule is not null)
            {
                decidedBy.Add(decision.DecidingRule.Id);
            }

            effects.Add(decision.Effect);
            foreach (var failed in explanation.NearMisses.SelectMany(m => m.Failed))
            {
                nearMissChecks.Add(failed[..failed.IndexOf(':', StringComparison.Ordinal)]);
            }
        }

        // The generator is only worth something if it reaches every rule, effect and kind of miss.
        Assert.Equal(snapshot.Rules.Select(r => r.Id).Order(StringComparer.Ordinal), decidedBy.Order(StringComparer.Ordinal));
        Assert.Equal(3, effects.Count);
        Assert.Superset(new HashSet<string>(StringComparer.Ordinal) { "action", "sql kind", "tables", "argv", "http", "principal", "mfa", "reason", "ticket", "grant", "unless_grant", "schedule" }, nearMissChecks);
    }

    private const string Rules = """
        rules:
          - id: mfa-reads
            allow: { groups: [eng], resources: [db], sql: { kinds: [read], tables: [orders] }, mfa: required, max_rows: 100 }
          - id: ticketed-writes
            allow: { groups: [eng], resources: [db], sql: [write], ticket: "^INC-[0-9]+$" }
          - id: granted-ddl
            allow: { groups: [eng], resources: [db], sql: [ddl], grant: break-glass }
          - id: reviewed-writes
            review: { groups: [eng], resources: [db], sql: [write], unless_grant: deploy, reason: required, approvers: { groups: [dba] } }
          - id: office-admin
            allow: { users: [bob], resources: [db], sql: [admin], schedule: { days: mon-fri, hours: "09:00-17:00", timezone: Europe/Berlin } }
          - id: kubectl-get
            allow: { resources: [k8s], command: ["kubectl get **"] }
          - id: api-get
            allow: { resources: [api], http: { methods: [GET], paths: ["/v1/*"] } }
        """;

    private static PolicyExplanation Explain(PolicySnapshot snapshot, PrincipalInfo who, string resource, PolicyAction action, string? reason = null, DateTimeOffset? at = null, string? problem = null)
    {
        var request = snapshot.Request(who, resource, action, reason, at);
        return PolicyExplainer.Explain(snapshot, request, problem);
    }

    private static IReadOnlyList<string> FailedChecks(PolicyExplanation explanation, string ruleId) =>
        Assert.Single(explanation.NearMisses, m => m.Rule.Id == ruleId).Failed;

    [Fact]
    public void A_near_miss_on_mfa_says_so()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("alice"), "db", PolicyAction.Sql(StatementKind.Read, ["orders"]));

        Assert.Equal(RuleEffect.Deny, explanation.Decision);
        Assert.Null(explanation.DecidingRule);
        var failed = Assert.Single(FailedChecks(explanation, "mfa-reads"));
        Assert.StartsWith("mfa: required", failed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_near_miss_on_tables_says_an_allow_needs_every_table()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("alice", mfa: true), "db", PolicyAction.Sql(StatementKind.Read, ["orders", "customers"]));

        Assert.Equal("tables: [orders, customers] do not fit [orders] (an allow needs every table to fit)", Assert.Single(FailedChecks(explanation, "mfa-reads")));
        Assert.Equal("sql read on orders, customers", explanation.Action);
    }

    [Fact]
    public void A_near_miss_on_the_ticket_quotes_the_pattern_and_the_reason()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("alice"), "db", PolicyAction.Sql(StatementKind.Write, ["orders"]), reason: "fixing stuff");

        Assert.Equal("ticket: the reason must match ^INC-[0-9]+$, and 'fixing stuff' does not", Assert.Single(FailedChecks(explanation, "ticketed-writes")));
        Assert.Equal(RuleEffect.Review, explanation.Decision);
        Assert.Equal("reviewed-writes", explanation.DecidingRule!.Rule.Id);
        Assert.Empty(explanation.DecidingRule.Failed);
    }

    [Fact]
    public void Near_misses_on_reason_and_unless_grant_name_the_condition()
    {
        var snapshot = Compile(Rules);

        var noReason = Explain(snapshot, Who("alice"), "db", PolicyAction.Sql(StatementKind.Write, ["orders"]));
        Assert.Contains(FailedChecks(noReason, "reviewed-writes"), f => f.StartsWith("reason: required", StringComparison.Ordinal));
        Assert.Contains(FailedChecks(noReason, "ticketed-writes"), f => f.Contains("none was given", StringComparison.Ordinal));

        var deploying = Explain(snapshot, Who("alice", grants: ["deploy"]), "db", PolicyAction.Sql(StatementKind.Write, ["orders"]), reason: "INC-1");
        Assert.Equal("ticketed-writes", deploying.DecidingRule!.Rule.Id);
        Assert.Equal("unless_grant: does not apply while the 'deploy' grant is active", Assert.Single(FailedChecks(deploying, "reviewed-writes")));
    }

    [Fact]
    public void A_near_miss_on_a_grant_names_the_grant_to_request()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("alice"), "db", PolicyAction.Sql(StatementKind.Ddl, []));

        Assert.StartsWith("grant: needs an active 'break-glass' grant", Assert.Single(FailedChecks(explanation, "granted-ddl")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_near_miss_on_the_schedule_shows_the_local_time_and_the_window()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("bob"), "db", PolicyAction.Sql(StatementKind.Admin, []), at: new DateTimeOffset(2026, 3, 7, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal("schedule: Sat 2026-03-07 10:00 in Europe/Berlin is outside mon-fri 09:00-17:00 Europe/Berlin", Assert.Single(FailedChecks(explanation, "office-admin")));
    }

    [Fact]
    public void A_near_miss_can_fail_several_checks_and_names_each()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("dave", idpGroups: ["nothing"]), "db", PolicyAction.Sql(StatementKind.Read, ["orders"]));

        var failed = FailedChecks(explanation, "mfa-reads");
        Assert.Equal(2, failed.Count);
        Assert.Equal("principal: dave (groups: none) is not among groups [eng]", failed[0]);
        Assert.StartsWith("mfa:", failed[1], StringComparison.Ordinal);
        Assert.Contains(FailedChecks(explanation, "office-admin"), f => f.StartsWith("sql kind: read is not one of [admin]", StringComparison.Ordinal));
    }

    [Fact]
    public void Near_misses_on_argv_and_http_show_the_action_and_the_patterns()
    {
        var snapshot = Compile(Rules);

        var command = Explain(snapshot, Who("alice"), "k8s", PolicyAction.Command(["kubectl", "delete", "pod"]));
        Assert.Equal("argv: 'kubectl delete pod' fits none of [kubectl get **]", Assert.Single(FailedChecks(command, "kubectl-get")));

        var http = Explain(snapshot, Who("alice"), "api", PolicyAction.Http("POST", "/v1/charges"));
        Assert.Equal("http: POST /v1/charges fits none of methods [GET] paths [/v1/*]", Assert.Single(FailedChecks(http, "api-get")));

        var wrongKind = Explain(snapshot, Who("alice"), "k8s", PolicyAction.Sql(StatementKind.Read, []));
        Assert.Equal("action: a sql action cannot run on a command resource", Assert.Single(FailedChecks(wrongKind, "kubectl-get")));
    }

    [Fact]
    public void Rules_for_other_resources_are_neither_matches_nor_near_misses()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("alice"), "api", PolicyAction.Http("GET", "/v1/x"));

        Assert.Equal("api-get", explanation.DecidingRule!.Rule.Id);
        Assert.Empty(explanation.NearMisses);
        Assert.Single(explanation.Matched);
    }

    [Fact]
    public void An_explanation_carries_the_decision_context()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("zoe", mfa: true, idpGroups: ["idp-eng"]), "db", PolicyAction.Sql(StatementKind.Read, ["orders"]));

        Assert.Equal(RuleEffect.Allow, explanation.Decision);
        Assert.Equal(100, explanation.MaxRows);
        Assert.Equal(["eng"], explanation.PrincipalGroups);
        Assert.Equal(snapshot.Revision, explanation.Revision);
        Assert.Null(explanation.Problem);
    }

    [Fact]
    public void An_unknown_resource_is_explained_as_a_problem()
    {
        var snapshot = Compile(Rules);

        var explanation = Explain(snapshot, Who("alice"), "nowhere", PolicyAction.Sql(StatementKind.Read, []));

        Assert.Equal(RuleEffect.Deny, explanation.Decision);
        Assert.Contains("resource 'nowhere' is not defined", explanation.Problem, StringComparison.Ordinal);
        Assert.Empty(explanation.NearMisses);

        var given = Explain(snapshot, Who("alice"), "db", PolicyAction.Sql(StatementKind.Unknown, []), problem: "syntax error at or near \"SELEC\"");
        Assert.Equal("syntax error at or near \"SELEC\"", given.Problem);
    }
}
