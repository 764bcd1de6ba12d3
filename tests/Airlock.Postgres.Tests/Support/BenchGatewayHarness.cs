namespace Airlock.Postgres.Tests.Support;

/// <summary>
/// The gateway with a small policy of its own, in which alice (group bench) may read and write the demo
/// database: for clients whose normal work writes (pgbench's TPC-B script, COPY FROM), which the sample
/// policy holds for review. Masking stays on.
/// </summary>
public sealed class BenchGatewayHarness() : GatewayHarness(Bundle)
{
    public const string RuleId = "bench-reads-and-writes";

    private static readonly Dictionary<string, string> Bundle = new(StringComparer.Ordinal)
    {
        ["resources.yaml"] = """
            resources:
              demo:
                type: postgres
                labels: { env: bench }
                postgres:
                  host: 127.0.0.1
                  database: demo
                  user: postgres
                  password: env:AIRLOCK_BENCH_PASSWORD
            """,
        ["people.yaml"] = """
            users:
              alice: { email: alice@example.com }
            groups:
              bench:
                members: [alice]
            """,
        ["rules.yaml"] = $"""
            rules:
              - id: {RuleId}
                allow:
                  groups: [bench]
                  resources: [demo]
                  sql: [read, write, transaction, session]
            """,
        ["masking.yaml"] = """
            masking:
              default: on
              columns:
                customers.email: token
            """,
    };
}
