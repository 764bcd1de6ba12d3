using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Approvals;

/// <summary>
/// A policy in which alice (engineers) reads and writes the demo database, except writes to orders, which
/// wait for an approver (bob). Her session is read-write, so approvals apply in both protocols.
/// </summary>
public sealed class ApprovalGatewayHarness() : GatewayHarness(Bundle)
{
    public const string ReviewRule = "order-writes-need-review";
    public const string WaitRule = "refunds-wait-for-approval";

    private static readonly Dictionary<string, string> Bundle = new(StringComparer.Ordinal)
    {
        ["resources.yaml"] = """
            resources:
              demo:
                type: postgres
                labels: { env: prod }
                postgres:
                  host: 127.0.0.1
                  database: demo
                  user: postgres
                  password: env:AIRLOCK_APPROVAL_TEST_PASSWORD
            """,
        ["people.yaml"] = """
            users:
              alice: { email: alice@example.com }
              bob: { email: bob@example.com }
              dave: { email: dave@example.com }
            groups:
              engineers:
                members: [alice, dave]
              approvers:
                members: [bob]
            """,
        ["rules.yaml"] = $$"""
            rules:
              - id: engineers-work
                allow:
                  groups: [engineers]
                  resources: [demo]
                  sql: [read, write, transaction, session]
              - id: {{ReviewRule}}
                review:
                  groups: [engineers]
                  resources: [demo]
                  sql: { kinds: [write], tables: [orders] }
                  approvers: { groups: [approvers], min: 1 }
                  window: 10m
                message: "Order changes need an approver."
              - id: {{WaitRule}}
                review:
                  groups: [engineers]
                  resources: [demo]
                  sql: { kinds: [write], tables: [refunds] }
                  approvers: { groups: [approvers], min: 1 }
                  wait: 30s
                message: "Refunds wait for an approver; the client waits with them."
            """,
        ["masking.yaml"] = """
            masking:
              default: on
            """,
    };
}
