namespace Airlock.Benchmarks.Generation;

/// <summary>
/// The rules a team writes for one of its databases, in the order they are handed out. Production and
/// staging differ where teams usually differ: writes and DDL are reviewed on production, plain allows on
/// staging. Five allows, three reviews and two scheduled denies per full set of ten.
/// </summary>
internal static class ResourceRuleTemplates
{
    public const int Count = 10;

    public static string Render(int template, BundleShape shape, int resource)
    {
        var r = shape.ResourceName(resource);
        var t = BundleShape.TeamName(shape.TeamOf(resource));
        var prod = BundleShape.IsProduction(resource);
        return template switch
        {
            0 => $$"""
                  - id: {{r}}-read
                    allow:
                      groups: [{{t}}-eng, {{t}}-oncall]
                      resources: [{{r}}]
                      sql: { kinds: [read], tables: ["public.*", "reporting.*"] }
                      max_rows: 10000

                """,
            1 when prod => $$"""
                  - id: {{r}}-write-review
                    review:
                      groups: [{{t}}-eng]
                      resources: [{{r}}]
                      sql: { kinds: [write], tables: ["public.*"] }
                      approvers: { groups: [{{t}}-leads], min: 1 }

                """,
            1 => $$"""
                  - id: {{r}}-write
                    allow:
                      groups: [{{t}}-eng]
                      resources: [{{r}}]
                      sql: { kinds: [write], tables: ["public.*"] }

                """,
            2 => $$"""
                  - id: {{r}}-weekend-freeze
                    message: no changes at weekends
                    deny:
                      groups: [{{t}}-eng, {{t}}-oncall]
                      resources: [{{r}}]
                      sql: { kinds: [write, ddl] }
                      schedule: { days: "sat,sun", timezone: UTC }

                """,
            3 => $$"""
                  - id: {{r}}-oncall-write
                    allow:
                      groups: [{{t}}-oncall]
                      resources: [{{r}}]
                      sql: { kinds: [write], tables: ["public.*"] }
                      mfa: required
                      schedule: { days: mon-fri, hours: "08:00-20:00", timezone: Europe/Berlin }
                      max_rows: 1000

                """,
            4 when prod => $$"""
                  - id: {{r}}-ddl-review
                    review:
                      groups: [{{t}}-leads]
                      resources: [{{r}}]
                      sql: { kinds: [ddl] }
                      approvers: { groups: [dba], min: 1 }

                """,
            4 => $$"""
                  - id: {{r}}-ddl
                    allow:
                      groups: [{{t}}-eng, {{t}}-leads]
                      resources: [{{r}}]
                      sql: { kinds: [ddl] }

                """,
            5 => $$"""
                  - id: {{r}}-analyst-read
                    allow:
                      groups: [analysts]
                      resources: [{{r}}]
                      sql: { kinds: [read], tables: ["reporting.*"] }

                """,
            6 => $$"""
                  - id: {{r}}-billing-nights
                    message: billing tables are closed for writes outside business hours
                    deny:
                      groups: [{{t}}-eng]
                      resources: [{{r}}]
                      sql: { kinds: [write], tables: ["billing.*"] }
                      schedule: { days: mon-fri, hours: "20:00-07:00", timezone: Europe/Berlin }

                """,
            7 => $$"""
                  - id: {{r}}-lead-read
                    allow:
                      users: [{{t}}-lead]
                      resources: [{{r}}]
                      sql: { kinds: [read] }

                """,
            8 => $$"""
                  - id: {{r}}-pii-review
                    review:
                      groups: [{{t}}-eng]
                      resources: [{{r}}]
                      sql: { kinds: [read], tables: ["*.customers", "*.payments"] }
                      approvers: { groups: [{{t}}-leads], min: 1 }

                """,
            9 => $$"""
                  - id: {{r}}-sessions
                    allow:
                      groups: [{{t}}-eng, {{t}}-oncall]
                      resources: [{{r}}]
                      sql: { kinds: [transaction, session] }

                """,
            _ => throw new ArgumentOutOfRangeException(nameof(template), template, $"templates are numbered 0 to {Count - 1}"),
        };
    }
}
