using System.Globalization;
using System.Text;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Benchmarks.Cedar;

/// <summary>
/// Translates a loaded Airlock bundle into an equivalent Cedar policy set, rule by rule, for the
/// Cedar comparison. Only what the generated bundles use is translated; anything else throws rather
/// than being approximated.
/// </summary>
/// <remarks>
/// <code>
///  Airlock                         Cedar
///  allow                           permit
///  deny                            forbid  @airlock_effect("deny")
///  review                          forbid  @airlock_effect("review"): Cedar has no third effect, so the
///                                          caller reads a deny's determining policies: any "deny" one
///                                          → deny, else any "review" one → review, none → default deny
///  groups / users                  principal in [Group…, User…] (User in its resolved groups)
///  resources: names                resource == Database::"name"
///  resources: labels               resource.label == "value" (like for globs)
///  sql kinds                       action in [Action::"read", …]
///  sql tables (globs)              context.table like "schema.*" (one table per request)
///  mfa: required                   context.mfa
///  schedule (days, hours, zone)    context.clock_zone.{day, minute, yesterday}, computed by the caller
/// </code>
/// Deny and review tables fire when any table matches and allow tables need all to match; with one
/// table per request both are "the table matches", so the translation is exact for such requests.
/// </remarks>
internal static class CedarTranslator
{
    public const string Namespace = "Airlock";

    public static CedarPolicySet Translate(PolicyBundle bundle)
    {
        var policies = new Dictionary<string, string>(StringComparer.Ordinal);
        var effects = new Dictionary<string, string>(StringComparer.Ordinal);
        var zones = new SortedDictionary<string, TimeZoneInfo>(StringComparer.Ordinal);
        foreach (var rule in bundle.Rules)
        {
            policies[rule.Id] = Policy(rule, zones);
            effects[rule.Id] = rule.Effect switch
            {
                RuleEffect.Allow => "allow",
                RuleEffect.Review => "review",
                _ => "deny",
            };
        }

        return new CedarPolicySet(policies, effects, [.. zones.Values]);
    }

    public static string ClockName(TimeZoneInfo zone)
    {
        var name = new StringBuilder("clock_");
        foreach (var c in zone.Id)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        }

        return name.ToString();
    }

    private static string Policy(RuleDefinition rule, SortedDictionary<string, TimeZoneInfo> zones)
    {
        var when = new List<string>();
        var text = new StringBuilder();
        if (rule.Effect != RuleEffect.Allow)
        {
            text.Append(CultureInfo.InvariantCulture, $"@airlock_effect(\"{(rule.Effect == RuleEffect.Review ? "review" : "deny")}\")\n");
        }

        text.Append(rule.Effect == RuleEffect.Allow ? "permit (\n" : "forbid (\n");
        text.Append("  ").Append(PrincipalScope(rule.Principals, when)).Append(",\n");
        text.Append("  ").Append(ActionScope(rule)).Append(",\n");
        text.Append("  ").Append(ResourceScope(rule.Resources, when)).Append('\n');
        text.Append(')');

        if (rule.Actions.Sql is { Tables.Count: > 0 } sql)
        {
            when.Add($"({string.Join(" || ", sql.Tables.Select(TableCondition))})");
        }

        if (rule.Conditions.MfaRequired)
        {
            when.Add("context.mfa");
        }

        if (rule.Conditions.Schedule is { } schedule)
        {
            zones[schedule.TimeZone.Id] = schedule.TimeZone;
            when.Add(ScheduleCondition(schedule));
        }

        // Anything else that makes a rule conditional is refused: the translation must be exact or not be.
        if (!(rule.Conditions with { Schedule = null, MfaRequired = false }).IsUnconditional)
        {
            throw new NotSupportedException($"rule '{rule.Id}': only mfa and schedule conditions are translated");
        }

        if (when.Count > 0)
        {
            text.Append("\nwhen { ").Append(string.Join(" && ", when)).Append(" }");
        }

        return text.Append(";\n").ToString();
    }

    private static string PrincipalScope(PrincipalSelector principals, List<string> when)
    {
        if (principals.IsAnyone)
        {
            return "principal";
        }

        var entities = principals.Groups.Select(g => Entity("Group", g.Name))
            .Concat(principals.Users.Select(u => Entity("User", u.Name)))
            .ToList();
        if (entities.Count == 1)
        {
            return $"principal in {entities[0]}";
        }

        // `in` is reflexive, so a user listed here matches itself as well as groups matching members.
        when.Add($"principal in [{string.Join(", ", entities)}]");
        return "principal";
    }

    private static string ActionScope(RuleDefinition rule)
    {
        var actions = rule.Actions;
        if (actions.Command is not null || actions.Http is not null)
        {
            throw new NotSupportedException($"rule '{rule.Id}': only sql matchers are translated");
        }

        if (actions.Sql is not { } sql)
        {
            return "action";
        }

        var names = sql.Kinds.Select(k => Entity("Action", k.Name())).ToList();
        return names.Count == 1 ? $"action == {names[0]}" : $"action in [{string.Join(", ", names)}]";
    }

    private static string ResourceScope(ResourceSelector resources, List<string> when)
    {
        if (resources.Types.Any(t => t != ResourceType.Postgres))
        {
            throw new NotSupportedException("only postgres resources are translated");
        }

        foreach (var (label, value) in resources.Labels)
        {
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(label[0]))
            {
                throw new NotSupportedException($"label '{label}' is not a Cedar identifier");
            }

            // Airlock's '*' and Cedar's like '*' both match any run of characters; '?' has no Cedar form.
            when.Add(value.Contains('*', StringComparison.Ordinal)
                ? $"resource has {label} && resource.{label} like {Quote(value)}"
                : $"resource has {label} && resource.{label} == {Quote(value)}");
        }

        if (resources.Names.Count == 0)
        {
            return "resource";
        }

        if (resources.Names.Any(n => n.Name.Contains('*', StringComparison.Ordinal) || n.Name.Contains('?', StringComparison.Ordinal)))
        {
            throw new NotSupportedException("resource name globs are not translated");
        }

        var entities = resources.Names.Select(n => Entity("Database", n.Name)).ToList();
        if (entities.Count == 1)
        {
            return $"resource == {entities[0]}";
        }

        when.Add($"resource in [{string.Join(", ", entities)}]");
        return "resource";
    }

    /// <summary>
    /// Requests carry schema-qualified tables, so a pattern without a schema matches in any schema
    /// (as <c>TableNames.Matches</c> does) and one with a schema is matched whole.
    /// </summary>
    private static string TableCondition(string pattern)
    {
        if (pattern.Contains('?', StringComparison.Ordinal))
        {
            throw new NotSupportedException($"table pattern '{pattern}': '?' has no Cedar form");
        }

        return $"context.table like {Quote(pattern.Contains('.', StringComparison.Ordinal) ? pattern : "*." + pattern)}";
    }

    private static string ScheduleCondition(Schedule schedule)
    {
        var clock = $"context.{ClockName(schedule.TimeZone)}";
        var days = Enumerable.Range(0, 7).Where(d => schedule.HasDay((DayOfWeek)d)).ToList();
        string DayIn(string field) => days.Count == 7 ? "true" : $"[{string.Join(", ", days)}].contains({clock}.{field})";

        if (!schedule.Overnight)
        {
            var hours = schedule.StartMinute == 0 && schedule.EndMinute == 24 * 60
                ? string.Empty
                : $" && {clock}.minute >= {schedule.StartMinute} && {clock}.minute < {schedule.EndMinute}";
            return $"({DayIn("day")}{hours})";
        }

        // Overnight: the evening belongs to today's window, the early morning to yesterday's.
        return $"(({DayIn("day")} && {clock}.minute >= {schedule.StartMinute}) || ({DayIn("yesterday")} && {clock}.minute < {schedule.EndMinute}))";
    }

    public static string Entity(string type, string id) => $"{Namespace}::{type}::{Quote(id)}";

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A translated policy set: policy text by rule id, each rule's Airlock effect, and the time zones its schedules use.</summary>
internal sealed record CedarPolicySet(IReadOnlyDictionary<string, string> Policies, IReadOnlyDictionary<string, string> Effects, IReadOnlyList<TimeZoneInfo> Zones);
