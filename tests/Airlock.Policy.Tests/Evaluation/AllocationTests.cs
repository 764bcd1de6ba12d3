using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>
/// The engine's contract is that a decision allocates nothing once warm. This counts bytes allocated on
/// the test's own thread, which is exact and does not depend on timing; the benchmarks measure speed.
/// </summary>
public sealed class AllocationTests
{
    private const string Rules = """
        rules:
          - id: no-vault
            deny: { resources: [db], sql: { kinds: [read, write], tables: ["*.card_vault", card_vault] } }
          - id: reads
            allow: { groups: [eng], resources: { labels: { env: prod } }, sql: { kinds: [read], tables: ["public.*", orders] }, max_rows: 1000 }
          - id: writes-with-ticket
            allow: { groups: [eng], resources: [db], sql: [write], mfa: required, ticket: "^INC-[0-9]+$", grant: break-glass }
          - id: writes-reviewed
            review: { groups: [eng], resources: [db], sql: [write], unless_grant: break-glass, approvers: { groups: [dba] } }
          - id: office-ddl
            allow: { groups: [eng], resources: [db-staging], sql: [ddl], schedule: { days: mon-fri, hours: "22:00-06:00", timezone: Europe/Berlin } }
          - id: kubectl-reads
            allow: { groups: [eng], resources: [k8s], command: ["kubectl get **", "kubectl logs deploy/* -n *"] }
          - id: no-exec
            deny: { resources: [k8s], command: ["kubectl exec **"] }
          - id: api-lookups
            allow: { groups: [eng], resources: [api], http: { methods: [GET], paths: ["/v1/charges/*", "/v1/reports/**"] }, reason: required }
        """;

    [Fact]
    public void Deciding_with_a_reused_buffer_allocates_nothing_after_warm_up()
    {
        var snapshot = Compile(Rules);
        var alice = snapshot.ResolvePrincipal(Who("alice", mfa: true, grants: ["break-glass"]));
        var zoe = snapshot.ResolvePrincipal(Who("zoe", idpGroups: ["idp-eng"]));
        var requests = new[]
        {
            new AccessRequest(alice, "db", PolicyAction.Sql(StatementKind.Read, ["public.orders", "orders"]), Noon),
            new AccessRequest(alice, "db", PolicyAction.Sql(StatementKind.Read, ["payments.card_vault"]), Noon),
            new AccessRequest(alice, "db", PolicyAction.Sql(StatementKind.Write, ["orders"]), Noon, "INC-4711"),
            new AccessRequest(zoe, "db", PolicyAction.Sql(StatementKind.Write, ["orders"]), Noon, "no ticket"),
            new AccessRequest(alice, "db-staging", PolicyAction.Sql(StatementKind.Ddl, []), Noon.AddHours(11)),
            new AccessRequest(alice, "db-staging", PolicyAction.Sql(StatementKind.Ddl, []), Noon),
            new AccessRequest(alice, "k8s", PolicyAction.Command(["kubectl", "logs", "deploy/api", "-n", "prod"]), Noon),
            new AccessRequest(zoe, "k8s", PolicyAction.Command(["kubectl", "exec", "-it", "pod"]), Noon),
            new AccessRequest(alice, "api", PolicyAction.Http("GET", "/v1/reports/2026/03"), Noon, "month end"),
            new AccessRequest(zoe, "api", PolicyAction.Http("GET", "/v1/charges/ch_1"), Noon),
            new AccessRequest(alice, "no-such-resource", PolicyAction.Sql(StatementKind.Read, []), Noon),
        };
        var buffer = new DecisionBuffer();
        var expected = new RuleEffect[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            expected[i] = snapshot.Decide(requests[i], buffer).Effect;
        }

        // The requests between them reach every effect, so the loop below exercises every path.
        Assert.Contains(RuleEffect.Allow, expected);
        Assert.Contains(RuleEffect.Review, expected);
        Assert.Contains(RuleEffect.Deny, expected);

        var mismatches = Run(snapshot, requests, buffer, expected, 2_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        mismatches += Run(snapshot, requests, buffer, expected, 1_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, mismatches);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Deciding_without_a_buffer_allocates_nothing_after_warm_up()
    {
        var snapshot = Compile(Rules);
        var request = new AccessRequest(snapshot.ResolvePrincipal(Who("alice")), "db", PolicyAction.Sql(StatementKind.Read, ["orders"]), Noon);
        for (var i = 0; i < 2_000; i++)
        {
            snapshot.Decide(request);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var allowed = 0;
        for (var i = 0; i < 1_000; i++)
        {
            allowed += snapshot.Decide(request).Effect == RuleEffect.Allow ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000, allowed);
        Assert.Equal(0, allocated);
    }

    private static int Run(PolicySnapshot snapshot, AccessRequest[] requests, DecisionBuffer buffer, RuleEffect[] expected, int calls)
    {
        var mismatches = 0;
        for (var call = 0; call < calls; call++)
        {
            var i = call % requests.Length;
            if (snapshot.Decide(requests[i], buffer).Effect != expected[i])
            {
                mismatches++;
            }
        }

        return mismatches;
    }
}
