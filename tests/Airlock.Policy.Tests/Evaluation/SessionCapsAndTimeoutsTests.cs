using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>sessions: statement_timeout, lock_timeout, idle_in_transaction_timeout, max_per_user, max_per_resource (issue 14, class I).</summary>
public sealed class SessionCapsAndTimeoutsTests
{
    private const string Sessions = """
        sessions:
          statement_timeout: 10m
          max_per_user: 5
          max_per_resource: 50
          groups:
            eng: { statement_timeout: 2m, max_per_user: 2 }
        resources:
          tight-db:
            type: postgres
            postgres: { host: h, database: d, user: u }
            sessions: { lock_timeout: 5s, idle_in_transaction_timeout: 30s, max_per_resource: 3 }
        rules:
          - id: r1
            allow: { resources: [db], sql: [read] }
        """;

    [Theory]
    [InlineData("dave", "db", 10 * 60, 60, 10 * 60, 5, 50)]
    [InlineData("alice", "db", 2 * 60, 60, 10 * 60, 2, 50)]
    [InlineData("dave", "tight-db", 10 * 60, 5, 30, 5, 3)]
    [InlineData("alice", "tight-db", 2 * 60, 5, 30, 2, 3)]
    public void Timeouts_and_caps_are_the_strictest_of_bundle_resource_and_groups(string user, string resource, int statementSeconds, int lockSeconds, int idleInTransactionSeconds, int perUser, int perResource)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("sessions.yaml", Sessions));
        var snapshot = bundle.Compile();

        var limits = snapshot.ResolveSessionLimits(snapshot.ResolvePrincipal(Who(user)), resource);

        Assert.Equal(TimeSpan.FromSeconds(statementSeconds), limits.StatementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(lockSeconds), limits.LockTimeout);
        Assert.Equal(TimeSpan.FromSeconds(idleInTransactionSeconds), limits.IdleInTransactionTimeout);
        Assert.Equal(perUser, limits.MaxPerUser);
        Assert.Equal(perResource, limits.MaxPerResource);
    }

    [Fact]
    public void Without_a_sessions_section_timeouts_and_the_per_user_cap_have_defaults()
    {
        var snapshot = Compile("rules:\n  - id: r1\n    allow: { resources: [db] }\n");

        var limits = snapshot.ResolveSessionLimits(snapshot.ResolvePrincipal(Who("alice")), "db");

        Assert.Equal(TimeSpan.FromMinutes(15), limits.StatementTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), limits.LockTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), limits.IdleInTransactionTimeout);
        Assert.Equal(20, limits.MaxPerUser);
        Assert.Null(limits.MaxPerResource);
    }

    [Theory]
    [InlineData("sessions:\n  statement_timeout: 30d\n", PolicyErrors.InvalidValue, 2, 22, "at most 24d")]
    [InlineData("sessions:\n  lock_timeout: 0s\n", PolicyErrors.BadDuration, 2, 17, "longer than zero")]
    [InlineData("sessions:\n  max_per_user: 0\n", PolicyErrors.InvalidValue, 2, 17, "between 1 and 100000")]
    [InlineData("sessions:\n  max_per_user: many\n", PolicyErrors.WrongType, 2, 17, "whole number")]
    [InlineData("sessions:\n  groups:\n    eng: { max_per_resource: 3 }\n", PolicyErrors.UnknownKey, 3, 12, "max_per_resource")]
    [InlineData("sessions:\n  idle_in_transaction: 5m\n", PolicyErrors.UnknownKey, 2, 3, "idle_in_transaction")]
    public void Bad_values_are_reported_with_their_location(string text, string id, int line, int column, string message)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("x.yaml", text));

        var result = bundle.Load();

        var diagnostic = result.At(id, bundle.PathOf("x.yaml"), line, column);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public void Tighten_takes_the_smaller_of_each_part()
    {
        var a = new SessionLimits(null, null, default) { StatementTimeout = TimeSpan.FromMinutes(5), MaxPerUser = 4 };
        var b = new SessionLimits(null, null, default) { StatementTimeout = TimeSpan.FromMinutes(1), LockTimeout = TimeSpan.FromSeconds(9), MaxPerResource = 7 };

        var both = a.Tighten(b);

        Assert.Equal(TimeSpan.FromMinutes(1), both.StatementTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), both.LockTimeout);
        Assert.Equal(4, both.MaxPerUser);
        Assert.Equal(7, both.MaxPerResource);
    }
}
