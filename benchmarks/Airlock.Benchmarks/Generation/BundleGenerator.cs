using System.Globalization;
using System.Text;

namespace Airlock.Benchmarks.Generation;

/// <summary>
/// Writes a realistic policy bundle of N rules as YAML files, so that benchmarks go through the real
/// loader (YAML, binding, validation, shadow analysis) and compiler rather than hand-built objects.
/// </summary>
/// <remarks>
/// <code>
///  3 global rules       deny privilege/admin on prod, sre reads everywhere (mfa), dba writes reviewed
///  3 rules per team     deny ddl on the team's prod databases to its engineers, deny secrets tables to
///                       contractors and analysts, contractor reads reviewed by the team's leads
///  ~10 per database     the rest, round-robin over the databases, from <see cref="ResourceRuleTemplates"/>:
///                       allows, reviews and denies with groups, users, sql kinds, table globs,
///                       max_rows, mfa and schedules (Europe/Berlin and UTC)
/// </code>
/// The team rules are the only unconditional denies besides one global rule, and per-database denies
/// all carry a schedule: the loader's shadow analysis costs rules × unconditional denies × resources
/// (19 s of the 15–20 s it takes to load 10,000 rules with 201 such denies; docs/benchmarks.md), and an
/// unconditional deny per database would multiply that several times over.
/// </remarks>
internal static class BundleGenerator
{
    /// <summary>Rules per file, keeping each file far below the loader's 1 MiB limit.</summary>
    private const int RulesPerFile = 400;

    public const int GlobalRuleCount = 3;

    public const int RulesPerTeam = 3;

    /// <summary>The fixed instant the benchmark decisions are made at: a Wednesday, 10:00 UTC (12:00 in Berlin).</summary>
    public static readonly DateTimeOffset DecisionTime = new(2025, 6, 11, 10, 0, 0, TimeSpan.Zero);

    public static void Write(string directory, BundleShape shape)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "resources.yaml"), Resources(shape));
        File.WriteAllText(Path.Combine(directory, "people.yaml"), People(shape));

        var rules = Rules(shape).ToList();
        if (rules.Count != shape.RuleCount)
        {
            throw new InvalidOperationException($"generated {rules.Count} rules for a bundle of {shape.RuleCount}");
        }

        var rulesDirectory = Path.Combine(directory, "rules");
        Directory.CreateDirectory(rulesDirectory);
        for (var file = 0; file * RulesPerFile < rules.Count; file++)
        {
            var text = new StringBuilder("rules:\n");
            foreach (var rule in rules.Skip(file * RulesPerFile).Take(RulesPerFile))
            {
                text.Append(rule);
            }

            File.WriteAllText(Path.Combine(rulesDirectory, $"{file:D4}.yaml"), text.ToString());
        }
    }

    private static string Resources(BundleShape shape)
    {
        var text = new StringBuilder("resources:\n");
        for (var i = 0; i < shape.Resources; i++)
        {
            var name = shape.ResourceName(i);
            text.Append(CultureInfo.InvariantCulture, $"""
                  {name}:
                    type: postgres
                    description: "orders database {i} of team {BundleShape.TeamName(shape.TeamOf(i))}"
                    labels:
                      env: {(BundleShape.IsProduction(i) ? "prod" : "staging")}
                      team: {BundleShape.TeamName(shape.TeamOf(i))}
                      tier: {BundleShape.Tier(i)}
                    postgres:
                      host: {name}.db.internal
                      port: 5432
                      database: app
                      user: airlock
                      password: env:AIRLOCK_PG_{i:D4}
                      sslmode: require

                """);
        }

        return text.ToString();
    }

    private static string People(BundleShape shape)
    {
        var users = new StringBuilder("users:\n");
        var groups = new StringBuilder("groups:\n");
        foreach (var global in new[] { "dba", "sre", "analyst", "contractor", "security" })
        {
            users.Append(CultureInfo.InvariantCulture, $"  {global}1: {{ email: {global}1@example.com }}\n");
        }

        groups.Append("""
              dba: { members: [dba1], idp_groups: [database-admins] }
              sre: { members: [sre1], idp_groups: [sre] }
              analysts: { members: [analyst1], idp_groups: [data-analysts] }
              contractors: { members: [contractor1] }
              security: { members: [security1], idp_groups: [security-team] }

            """);
        for (var t = 0; t < shape.Teams; t++)
        {
            var team = BundleShape.TeamName(t);
            foreach (var user in new[] { "dev1", "dev2", "lead" })
            {
                users.Append(CultureInfo.InvariantCulture, $"  {team}-{user}: {{ email: {team}-{user}@example.com }}\n");
            }

            groups.Append(CultureInfo.InvariantCulture, $$"""
                  {{team}}-eng: { members: [{{team}}-dev1, {{team}}-dev2], idp_groups: [{{team}}-engineering] }
                  {{team}}-oncall: { members: [{{team}}-dev1], idp_groups: [{{team}}-pager] }
                  {{team}}-leads: { members: [{{team}}-lead] }

                """);
        }

        return users.Append(groups).ToString();
    }

    private static IEnumerable<string> Rules(BundleShape shape)
    {
        yield return """
              - id: prod-no-privilege-changes
                message: grants and server administration go through the platform team, not Airlock
                deny:
                  resources: { labels: { env: prod } }
                  sql: { kinds: [privilege, admin] }

            """;
        yield return """
              - id: sre-read-everywhere
                allow:
                  groups: [sre]
                  resources: { labels: { env: "*" } }
                  sql: { kinds: [read] }
                  mfa: required
                  max_rows: 500

            """;
        yield return """
              - id: dba-changes-reviewed
                review:
                  groups: [dba]
                  sql: { kinds: [write, ddl] }
                  approvers: { groups: [security], min: 1 }
                  window: 30m

            """;

        for (var t = 0; t < shape.Teams; t++)
        {
            var team = BundleShape.TeamName(t);
            yield return $$"""
                  - id: {{team}}-no-ddl-on-prod
                    message: schema changes on production ship through migrations
                    deny:
                      groups: [{{team}}-eng]
                      resources: { labels: { team: {{team}}, env: prod } }
                      sql: { kinds: [ddl, privilege] }

                """;
            yield return $$"""
                  - id: {{team}}-secrets-off-limits
                    deny:
                      groups: [contractors, analysts]
                      resources: { labels: { team: {{team}} } }
                      sql: { kinds: [read, write], tables: ["*.secrets", "auth.*"] }

                """;
            yield return $$"""
                  - id: {{team}}-contractor-reads
                    review:
                      groups: [contractors]
                      resources: { labels: { team: {{team}} } }
                      sql: { kinds: [read], tables: ["public.*"] }
                      approvers: { groups: [{{team}}-leads], min: 1 }

                """;
        }

        var fixedRules = GlobalRuleCount + (RulesPerTeam * shape.Teams);
        for (var k = 0; k < shape.RuleCount - fixedRules; k++)
        {
            var resource = k % shape.Resources;
            var template = k / shape.Resources % ResourceRuleTemplates.Count;
            yield return ResourceRuleTemplates.Render(template, shape, resource);
        }
    }
}
