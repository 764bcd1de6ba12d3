using Airlock.Policy.Diagnostics;
using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Policy.Tests.Support;
using static Airlock.Policy.Tests.Support.World;

namespace Airlock.Policy.Tests.Evaluation;

/// <summary>Session limits that tighten level by level, and who may approve what.</summary>
public sealed class SessionAndApprovalTests
{
    private const string Sessions = """
        sessions:
          max: 8h
          idle: 15m
          groups:
            eng: { max: 1h }
            dba: { idle: 5m }
        resources:
          short-db:
            type: postgres
            postgres: { host: h, database: d, user: u }
            sessions: { max: 2h, idle: 30m }
        rules:
          - id: reviewed
            review:
              resources: [db]
              sql: [write]
              approvers: { groups: [dba, approvers], min: 2, mode: all }
              window: 45m
          - id: reviewed-default-window
            review:
              resources: [db]
              sql: [ddl]
              approvers: { groups: dba }
        """;

    private static PolicySnapshot Snapshot()
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("sessions.yaml", Sessions));
        return bundle.Compile();
    }

    [Theory]
    [InlineData("dave", "db", 8 * 60, 15)]
    [InlineData("dave", "short-db", 2 * 60, 15)]
    [InlineData("alice", "db", 60, 15)]
    [InlineData("alice", "short-db", 60, 15)]
    [InlineData("bob", "db", 8 * 60, 5)]
    [InlineData("bob", "short-db", 2 * 60, 5)]
    [InlineData("dave", "no-such-db", 8 * 60, 15)]
    public void Session_limits_are_the_strictest_of_bundle_resource_and_groups(string user, string resource, int maxMinutes, int idleMinutes)
    {
        var snapshot = Snapshot();

        var limits = snapshot.ResolveSessionLimits(snapshot.ResolvePrincipal(Who(user)), resource);

        Assert.Equal(TimeSpan.FromMinutes(maxMinutes), limits.Max);
        Assert.Equal(TimeSpan.FromMinutes(idleMinutes), limits.Idle);
    }

    [Fact]
    public void Someone_in_two_groups_gets_the_strictest_part_of_each()
    {
        var snapshot = Snapshot();

        var limits = snapshot.ResolveSessionLimits(snapshot.ResolvePrincipal(Who("bob", idpGroups: ["idp-eng"])), "short-db");

        Assert.Equal(TimeSpan.FromHours(1), limits.Max);
        Assert.Equal(TimeSpan.FromMinutes(5), limits.Idle);
    }

    [Fact]
    public void Without_a_sessions_section_the_fallback_is_eight_hours_and_fifteen_idle_minutes()
    {
        var snapshot = Compile("rules:\n  - id: r1\n    allow: { resources: [db] }\n");

        var limits = snapshot.ResolveSessionLimits(snapshot.ResolvePrincipal(Who("alice")), "db");

        Assert.Equal(TimeSpan.FromHours(8), limits.Max);
        Assert.Equal(TimeSpan.FromMinutes(15), limits.Idle);
    }

    [Fact]
    public void Session_limits_for_an_undefined_group_are_reported()
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("x.yaml", "sessions:\n  groups:\n    engg: { max: 1h }\nrules:\n  - id: r1\n    allow: { resources: [db] }\n"));

        var result = bundle.Load();

        Assert.Contains("did you mean 'eng'", result.Single(PolicyErrors.UnknownGroup).Message, StringComparison.Ordinal);
    }

    private const string Logins = """
        sessions:
          max: 1h
          login: 12h
          groups:
            eng: { login: 2h }
            dba: { login: 24h, idle: 5m }
            approvers: { login: 30m }
        rules:
          - id: r1
            allow: { resources: [db] }
        """;

    [Fact]
    public void Without_a_login_setting_a_login_lasts_eight_hours_whatever_the_session_limits()
    {
        var bare = Compile("rules:\n  - id: r1\n    allow: { resources: [db] }\n");
        var limited = Compile("sessions:\n  max: 1h\n  groups:\n    eng: { max: 10m }\nrules:\n  - id: r1\n    allow: { resources: [db] }\n");

        Assert.Equal(TimeSpan.FromHours(8), bare.ResolveLoginLifetime(bare.ResolvePrincipal(Who("alice"))));
        Assert.Equal(TimeSpan.FromHours(8), limited.ResolveLoginLifetime(limited.ResolvePrincipal(Who("alice"))));
        Assert.Equal(TimeSpan.FromHours(8), limited.ResolveLoginLifetime(limited.ResolvePrincipal(Who("dave"))));
    }

    [Theory]
    [InlineData("dave", new string[0], 12 * 60)]
    [InlineData("alice", new string[0], 2 * 60)]
    [InlineData("dave", new[] { "idp-eng" }, 2 * 60)]
    [InlineData("bob", new string[0], 12 * 60)]
    [InlineData("carol", new string[0], 30)]
    [InlineData("carol", new[] { "idp-eng" }, 30)]
    public void A_login_lasts_the_bundle_default_shortened_by_the_groups_that_set_one(string user, string[] idpGroups, int minutes)
    {
        // The bundle default may be longer than eight hours; a group's longer login (dba, 24h) never lengthens it.
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("sessions.yaml", Logins));
        var snapshot = bundle.Compile();

        var lifetime = snapshot.ResolveLoginLifetime(snapshot.ResolvePrincipal(Who(user, idpGroups: idpGroups)));

        Assert.Equal(TimeSpan.FromMinutes(minutes), lifetime);
    }

    [Fact]
    public void The_login_setting_is_read_with_its_place_and_leaves_session_limits_alone()
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("sessions.yaml", Logins));
        var snapshot = bundle.Compile();

        Assert.Equal(TimeSpan.FromHours(12), snapshot.Bundle.Sessions.Default.Login);
        Assert.Equal(TimeSpan.FromHours(2), snapshot.Bundle.Sessions.Groups["eng"].Login);
        Assert.Null(snapshot.Bundle.Sessions.Groups["eng"].Max);
        Assert.Equal(5, snapshot.Bundle.Sessions.Groups["eng"].Location.Line);
        var limits = snapshot.ResolveSessionLimits(snapshot.ResolvePrincipal(Who("alice")), "db");
        Assert.Equal(TimeSpan.FromHours(1), limits.Max);
        Assert.Equal(TimeSpan.FromMinutes(15), limits.Idle);
    }

    [Theory]
    [InlineData("sessions:\n  login: 0s\n", PolicyErrors.BadDuration, 2, 10, "login must be longer than zero, not '0s'")]
    [InlineData("sessions:\n  login: 0h0m\n", PolicyErrors.BadDuration, 2, 10, "longer than zero")]
    [InlineData("sessions:\n  login: -1h\n", PolicyErrors.BadDuration, 2, 10, "login '-1h' is not a duration")]
    [InlineData("sessions:\n  login: 8 hours\n", PolicyErrors.BadDuration, 2, 10, "not a duration")]
    [InlineData("sessions:\n  groups:\n    eng: { login: 0m }\n", PolicyErrors.BadDuration, 3, 19, "longer than zero")]
    [InlineData("sessions:\n  groups:\n    eng: { login: soon }\n", PolicyErrors.BadDuration, 3, 19, "not a duration")]
    [InlineData("sessions:\n  logn: 1h\n", PolicyErrors.UnknownKey, 2, 3, "did you mean 'login'")]
    [InlineData("resources:\n  short-db:\n    type: postgres\n    postgres: { host: h, database: d, user: u }\n    sessions: { max: 2h, login: 1h }\n", PolicyErrors.UnknownKey, 5, 26, "unknown key 'login' in sessions of resource 'short-db'")]
    public void Login_mistakes_are_reported_where_they_are(string text, string id, int line, int column, string message)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("x.yaml", text + "rules:\n  - id: r1\n    allow: { resources: [db] }\n"));

        var result = bundle.Load();

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.At(id, bundle.PathOf("x.yaml"), line, column).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_review_rule_carries_its_approval_requirement()
    {
        var snapshot = Snapshot();

        var approval = snapshot.RulesById["reviewed"].Definition.Approval!;
        Assert.Equal(["dba", "approvers"], approval.Groups.Select(g => g.Name).ToArray());
        Assert.Equal(2, approval.Min);
        Assert.Equal(ApprovalMode.All, approval.Mode);
        Assert.Equal(TimeSpan.FromMinutes(45), approval.Window);

        var defaults = snapshot.RulesById["reviewed-default-window"].Definition.Approval!;
        Assert.Equal(1, defaults.Min);
        Assert.Equal(ApprovalMode.Any, defaults.Mode);
        Assert.Equal(TimeSpan.FromMinutes(15), defaults.Window);
    }

    [Theory]
    [InlineData("review: { resources: [db] }", PolicyErrors.MissingKey, "needs 'approvers'")]
    [InlineData("review: { resources: [db], approvers: { min: 1 } }", PolicyErrors.MissingKey, "at least one group")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], min: 0 } }", PolicyErrors.InvalidValue, "between 1 and 100")]
    [InlineData("review: { resources: [db], approvers: { groups: [dbaa] } }", PolicyErrors.UnknownGroup, "did you mean 'dba'")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, window: 15 }", PolicyErrors.BadDuration, "not a duration")]
    [InlineData("allow: { resources: [db], approvers: { groups: [dba] } }", PolicyErrors.UnknownKey, "approvers")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, auto_approve: [ {} ] }", PolicyErrors.MissingKey, "would approve everything")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, auto_approve: [ { groups: [engg] } ] }", PolicyErrors.UnknownGroup, "did you mean 'eng'")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, auto_approve: [ { groups: [eng], when: always } ] }", PolicyErrors.UnknownKey, "when")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, auto_approve: { groups: [eng] } }", PolicyErrors.WrongType, "auto_approve must be a list")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, wait: 1h }", PolicyErrors.InvalidValue, "wait is at most 15m")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba] }, wait: soon }", PolicyErrors.BadDuration, "not a duration")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], mfa: soon } }", PolicyErrors.BadDuration, "approvers' mfa 'soon' is not a duration")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], mfa: 0m } }", PolicyErrors.BadDuration, "approvers' mfa must be longer than zero")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], mfa: -5m } }", PolicyErrors.BadDuration, "not a duration")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], mfa: 25h } }", PolicyErrors.InvalidValue, "approvers' mfa is at most 1d")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], mfa: required } }", PolicyErrors.InvalidValue, "e.g. mfa: 15m")]
    [InlineData("review: { resources: [db], approvers: { groups: [dba], mfs: 15m } }", PolicyErrors.UnknownKey, "did you mean 'mfa'")]
    public void Approval_mistakes_are_reported(string rule, string id, string message)
    {
        using var bundle = new TempBundle(("world.yaml", World.Definitions), ("x.yaml", $"rules:\n  - id: r1\n    {rule}\n"));

        Assert.Contains(message, bundle.Load().Single(id).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Approvers_mfa_is_read_for_review_rules_and_grants_and_is_absent_unless_written()
    {
        using var bundle = new TempBundle(
            ("world.yaml", World.Definitions.Replace("  deploy:\n    max: 30m\n    approvers: { groups: [dba] }", "  deploy:\n    max: 30m\n    approvers: { groups: [dba], mfa: 1h30m }", StringComparison.Ordinal)),
            ("x.yaml", "rules:\n  - id: r1\n    review:\n      resources: [db]\n      approvers: { groups: [dba], mfa: 15m }\n  - id: r2\n    review:\n      resources: [db]\n      approvers: { groups: [dba], mfa: 24h }\n"));
        var snapshot = bundle.Compile();

        Assert.Equal(TimeSpan.FromMinutes(15), snapshot.RulesById["r1"].Definition.Approval!.MfaWithin);
        Assert.Equal(TimeSpan.FromHours(24), snapshot.RulesById["r2"].Definition.Approval!.MfaWithin);
        Assert.Equal(TimeSpan.FromMinutes(90), snapshot.Bundle.Grants.Single(g => g.Name == "deploy").Approvers.MfaWithin);
        Assert.Null(snapshot.Bundle.Grants.Single(g => g.Name == "break-glass").Approvers.MfaWithin);
        Assert.Null(Snapshot().RulesById["reviewed"].Definition.Approval!.MfaWithin);
    }

    [Fact]
    public void A_bad_approvers_mfa_is_reported_at_its_place_in_rules_and_in_grants()
    {
        var world = World.Definitions.Replace("  deploy:\n    max: 30m\n    approvers: { groups: [dba] }", "  deploy:\n    max: 30m\n    approvers: { groups: [dba], mfa: 2d }", StringComparison.Ordinal);
        using var bundle = new TempBundle(("world.yaml", world), ("x.yaml", "rules:\n  - id: r1\n    review:\n      resources: [db]\n      approvers:\n        groups: [dba]\n        mfa: quickly\n"));

        var result = bundle.Load();

        var rule = result.Single(PolicyErrors.BadDuration);
        Assert.Equal(new SourceLocation(bundle.PathOf("x.yaml"), 7, 14), rule.Location);
        var grant = result.Single(PolicyErrors.InvalidValue);
        var line = world.Split('\n').ToList().FindIndex(l => l.Contains("mfa: 2d", StringComparison.Ordinal));
        Assert.Equal(new SourceLocation(bundle.PathOf("world.yaml"), line + 1, world.Split('\n')[line].IndexOf("2d", StringComparison.Ordinal) + 1), grant.Location);
        Assert.Contains("at most 1d", grant.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_approve_and_break_glass_are_read_with_their_places()
    {
        using var bundle = new TempBundle(
            ("world.yaml", World.Definitions.Replace("  deploy:\n    max: 30m", "  deploy:\n    break_glass: { groups: [eng] }\n    max: 30m", StringComparison.Ordinal)),
            ("x.yaml", "rules:\n  - id: r1\n    review:\n      resources: [db]\n      approvers: { groups: [dba] }\n      auto_approve:\n        - groups: [eng]\n          schedule: { days: mon-fri, hours: \"09:00-17:00\", timezone: UTC }\n        - users: [dave]\n"));
        var snapshot = bundle.Compile();
        var auto = snapshot.RulesById["r1"].Definition.Approval!.AutoApprove;
        Assert.Equal(2, auto.Count);
        Assert.Equal("eng", Assert.Single(auto[0].Principals.Groups).Name);
        Assert.True(auto[0].Schedule!.Contains(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero)));
        Assert.False(auto[0].Schedule!.Contains(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero)));
        Assert.Equal("dave", Assert.Single(auto[1].Principals.Users).Name);
        Assert.Equal(7, auto[0].Location.Line);
        Assert.Equal("eng", Assert.Single(snapshot.Bundle.Grants.Single(g => g.Name == "deploy").BreakGlassGroups).Name);
        Assert.Empty(snapshot.Bundle.Grants.Single(g => g.Name == "break-glass").BreakGlassGroups);
    }

    [Fact]
    public void Nobody_approves_their_own_request()
    {
        var snapshot = Snapshot();
        var requirement = snapshot.RulesById["reviewed-default-window"].Definition.Approval!;
        var bob = snapshot.ResolvePrincipal(Who("bob"));

        var own = PolicySnapshot.CanApprove(requirement, bob, requester: "bob");
        Assert.False(own.Allowed);
        Assert.Contains("own", own.Reason, StringComparison.Ordinal);

        var other = PolicySnapshot.CanApprove(requirement, bob, requester: "alice");
        Assert.True(other.Allowed);
        Assert.Contains("dba", other.Reason, StringComparison.Ordinal);

        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob], requester: "bob"));
        Assert.True(PolicySnapshot.IsSatisfied(requirement, [bob], requester: "alice"));
    }

    [Fact]
    public void Only_members_of_an_approver_group_may_approve()
    {
        var snapshot = Snapshot();
        var requirement = snapshot.RulesById["reviewed-default-window"].Definition.Approval!;

        var check = PolicySnapshot.CanApprove(requirement, snapshot.ResolvePrincipal(Who("dave")), requester: "alice");

        Assert.False(check.Allowed);
        Assert.Contains("not in an approver group (dba)", check.Reason, StringComparison.Ordinal);
        Assert.True(PolicySnapshot.CanApprove(requirement, snapshot.ResolvePrincipal(Who("zoe", groups: ["dba"])), "alice").Allowed);
    }

    [Fact]
    public void Mode_any_counts_distinct_approvers_from_any_listed_group()
    {
        var snapshot = Snapshot();
        var requirement = new ApprovalRequirement([new NameReference("dba", default), new NameReference("approvers", default)], 2, ApprovalMode.Any, TimeSpan.FromMinutes(15));
        var bob = snapshot.ResolvePrincipal(Who("bob"));
        var carol = snapshot.ResolvePrincipal(Who("carol"));
        var dave = snapshot.ResolvePrincipal(Who("dave"));

        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob], "alice"));
        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob, bob], "alice"));
        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob, snapshot.ResolvePrincipal(Who("bob"))], "alice"));
        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob, dave], "alice"));
        Assert.True(PolicySnapshot.IsSatisfied(requirement, [bob, carol], "alice"));
        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob, carol], "carol"));
    }

    [Fact]
    public void Mode_all_needs_the_minimum_from_every_listed_group()
    {
        var snapshot = Snapshot();
        var requirement = new ApprovalRequirement([new NameReference("dba", default), new NameReference("approvers", default)], 1, ApprovalMode.All, TimeSpan.FromMinutes(15));
        var bob = snapshot.ResolvePrincipal(Who("bob"));
        var carol = snapshot.ResolvePrincipal(Who("carol"));
        var zoe = snapshot.ResolvePrincipal(Who("zoe", groups: ["dba"]));

        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob], "alice"));
        Assert.False(PolicySnapshot.IsSatisfied(requirement, [bob, zoe], "alice"));
        Assert.True(PolicySnapshot.IsSatisfied(requirement, [bob, carol], "alice"));

        var two = requirement with { Min = 2 };
        Assert.False(PolicySnapshot.IsSatisfied(two, [bob, carol, zoe], "alice"));
        Assert.True(PolicySnapshot.IsSatisfied(two, [bob, carol, zoe, snapshot.ResolvePrincipal(Who("yan", groups: ["approvers"]))], "alice"));
    }
}
