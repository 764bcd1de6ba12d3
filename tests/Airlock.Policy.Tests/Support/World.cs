using Airlock.Policy.Evaluation;

namespace Airlock.Policy.Tests.Support;

/// <summary>
/// A small, valid set of people, grants and resources that decision tests put their rules next to.
/// alice is in eng (statically), bob in dba, carol in approvers, the service account bot in robots;
/// eng is also granted through the IdP groups idp-eng and platform-eng.
/// </summary>
internal static class World
{
    public const string Definitions = """
        users:
          alice: { email: alice@example.com }
          bob: {}
          carol: {}
          dave: {}
        service_accounts:
          bot: { description: nightly checks, owner: platform }
        groups:
          eng:
            members: [alice]
            idp_groups: [idp-eng, platform-eng]
          dba:
            members: [bob]
          robots:
            members: [bot]
          approvers:
            members: [carol]
        grants:
          break-glass:
            max: 1h
            approvers: { groups: [dba] }
          deploy:
            max: 30m
            approvers: { groups: [dba] }
        resources:
          db:
            type: postgres
            labels: { env: prod }
            postgres: { host: db.internal, database: app, user: airlock }
          db-staging:
            type: postgres
            labels: { env: staging }
            postgres: { host: staging.internal, database: app, user: airlock }
          k8s:
            type: command
            labels: { env: prod }
            command: { workdir: /srv }
          api:
            type: http
            labels: { env: prod }
            http: { base_url: "https://api.example.com" }
        """;

    /// <summary>A Wednesday, midday UTC: outside every schedule edge the tests use unless they say otherwise.</summary>
    public static readonly DateTimeOffset Noon = new(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Compiles <see cref="Definitions"/> with the given rules file; fails the test on any diagnostic.</summary>
    public static PolicySnapshot Compile(string rules)
    {
        using var bundle = new TempBundle(("world.yaml", Definitions), ("rules.yaml", rules));
        return bundle.Compile();
    }

    public static PrincipalInfo Who(string user, bool mfa = false, string[]? grants = null, string[]? idpGroups = null, string[]? groups = null) => new()
    {
        User = user,
        Mfa = mfa,
        Grants = grants ?? [],
        IdpGroups = idpGroups ?? [],
        Groups = groups ?? [],
    };

    public static AccessRequest Request(this PolicySnapshot snapshot, PrincipalInfo who, string resource, PolicyAction action, string? reason = null, DateTimeOffset? at = null) =>
        new(snapshot.ResolvePrincipal(who), resource, action, at ?? Noon, reason);

    /// <summary>Decides with a fresh buffer, so the decision lists every matching rule.</summary>
    public static PolicyDecision Decide(this PolicySnapshot snapshot, PrincipalInfo who, string resource, PolicyAction action, string? reason = null, DateTimeOffset? at = null) =>
        snapshot.Decide(snapshot.Request(who, resource, action, reason, at), new DecisionBuffer());

    public static string[] MatchedIds(this PolicyDecision decision) => [.. decision.Matched.Select(r => r.Id)];
}
