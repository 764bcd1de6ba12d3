namespace Airlock.Benchmarks.Generation;

/// <summary>
/// The layout of a generated bundle of <see cref="RuleCount"/> rules: one PostgreSQL resource per ten
/// rules, grouped ten to a team, the way an organisation grows: more teams, each with a handful of
/// databases, rather than more rules on the same database.
/// </summary>
internal sealed record BundleShape
{
    public const int RulesPerResource = 10;
    public const int ResourcesPerTeam = 10;

    public BundleShape(int ruleCount)
    {
        if (ruleCount < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(ruleCount), ruleCount, "a generated bundle has at least 10 rules");
        }

        RuleCount = ruleCount;
        Resources = Math.Max(1, ruleCount / RulesPerResource);
        Teams = Math.Max(1, Resources / ResourcesPerTeam);
    }

    public int RuleCount { get; }

    public int Resources { get; }

    public int Teams { get; }

    /// <summary>The resource the benchmark decisions target: a production database in the middle of the bundle.</summary>
    public int BenchmarkResource => (Resources / 2) & ~1;

    public int TeamOf(int resource) => Math.Min(resource / ResourcesPerTeam, Teams - 1);

    public static string TeamName(int team) => $"t{team:D3}";

    public string ResourceName(int resource) => $"pg-{TeamName(TeamOf(resource))}-{resource:D4}";

    /// <summary>Even resources are production, odd ones staging.</summary>
    public static bool IsProduction(int resource) => resource % 2 == 0;

    public static string Tier(int resource) => resource % 3 == 0 ? "critical" : "standard";
}
