using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>Deciding with and without a <see cref="DecisionBuffer"/>, with buffers reused, and from many threads.</summary>
public sealed class DecisionBufferTests
{
    private static PolicyAction Read(params string[] tables) => PolicyAction.Sql(StatementKind.Read, tables);

    private static PolicyAction Write(params string[] tables) => PolicyAction.Sql(StatementKind.Write, tables);

    [Fact]
    public void Without_a_buffer_the_outcome_is_the_same_and_no_matches_are_listed()
    {
        var snapshot = Compile("""
            rules:
              - id: allow-1
                allow: { resources: [db], sql: [read, write], max_rows: 10 }
              - id: deny-ledger
                deny: { resources: [db], sql: { kinds: [write], tables: [ledger] } }
              - id: review-writes
                review: { resources: [db], sql: [write], approvers: { groups: [dba] }, max_rows: 3 }
            """);
        var requests = new[] { Read("orders"), Write("orders"), Write("ledger"), Read("ledger"), PolicyAction.Sql(StatementKind.Ddl, []) };

        foreach (var action in requests)
        {
            var request = snapshot.Request(Who("alice"), "db", action);
            var full = snapshot.Decide(request, new DecisionBuffer());
            var bare = snapshot.Decide(request);

            Assert.Equal(full.Effect, bare.Effect);
            Assert.Equal(full.DecidingRuleId, bare.DecidingRuleId);
            Assert.Equal(full.MaxRows, bare.MaxRows);
            Assert.Equal(0, bare.Matched.Count);
        }
    }

    [Fact]
    public void A_reused_buffer_grows_to_list_every_match()
    {
        var small = Compile("rules:\n  - id: one\n    allow: { resources: [db] }\n");
        var many = Compile("rules:\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"  - id: r{i}\n    allow: {{ resources: [db], sql: [read] }}\n")));
        var buffer = new DecisionBuffer();

        var first = small.Decide(small.Request(Who("alice"), "db", Read()), buffer);
        Assert.Equal(["one"], first.MatchedIds());

        var second = many.Decide(many.Request(Who("alice"), "db", Read()), buffer);
        Assert.Equal(40, second.Matched.Count);
        Assert.Equal("r0", second.DecidingRuleId);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"r{i}").ToArray(), second.MatchedIds());
    }

    [Fact]
    public void Many_threads_deciding_at_once_agree_with_one_thread()
    {
        var snapshot = Compile("""
            rules:
              - id: reads
                allow: { groups: [eng], resources: [db], sql: { kinds: [read], tables: ["public.*"] }, max_rows: 10 }
              - id: ticketed
                allow: { groups: [eng], resources: [db], sql: [write], ticket: "^INC-[0-9]+$" }
              - id: reviewed
                review: { groups: [dba], resources: [db], sql: [write], approvers: { groups: [approvers] } }
              - id: no-vault
                deny: { resources: [db], sql: { kinds: [read, write], tables: [card_vault] } }
            """);
        var requests = new[]
        {
            snapshot.Request(Who("alice"), "db", Read("orders")),
            snapshot.Request(Who("alice"), "db", Read("card_vault")),
            snapshot.Request(Who("alice"), "db", Write("orders"), "INC-1"),
            snapshot.Request(Who("alice"), "db", Write("orders"), "none"),
            snapshot.Request(Who("bob"), "db", Write("orders")),
            snapshot.Request(Who("bob"), "db", Read("orders")),
        };
        var expected = requests.Select(r => snapshot.Decide(r, new DecisionBuffer()).DecidingRuleId).ToArray();
        var disagreements = 0;

        Parallel.For(0, 8, _ =>
        {
            var buffer = new DecisionBuffer();
            for (var i = 0; i < 20_000; i++)
            {
                if (snapshot.Decide(requests[i % requests.Length], buffer).DecidingRuleId != expected[i % requests.Length])
                {
                    Interlocked.Increment(ref disagreements);
                }
            }
        });

        Assert.Equal(0, disagreements);
        Assert.Equal(["reads", "no-vault", "ticketed", PolicyDecision.DefaultDenyId, "reviewed", PolicyDecision.DefaultDenyId], expected);
    }
}
