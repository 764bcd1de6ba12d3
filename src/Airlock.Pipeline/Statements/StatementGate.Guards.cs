using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline;

/// <summary>
/// Refusals built into the gateway, decided before policy so that no policy can allow them by accident
/// (issue 14): SQL run from a string that the gateway cannot analyse (class A), and catalogs or functions that
/// hand out values masking cannot follow (class F). docs/security.md gives the rules.
/// </summary>
public sealed partial class StatementGate
{
    /// <summary>SQL run from a string (ts_stat, query_to_xml, table_to_xml…) whose content the gateway cannot know: AL0920.</summary>
    public const string HiddenSqlRule = "airlock:hidden-sql";

    /// <summary>A catalog or function that holds column values, other sessions' SQL or secrets (pg_stats, pg_stat_activity.query…): AL0921.</summary>
    public const string CatalogValuesRule = "airlock:catalog-values";

    private static StatementVerdict? BuiltInGuard(SqlAnalysis analysis, string auditText, PolicySnapshot snapshot)
    {
        var hidden = analysis.Statements.SelectMany(s => s.HiddenSql).Distinct(StringComparer.Ordinal).ToList();
        if (hidden.Count > 0)
        {
            return Denied(
                HiddenSqlRule,
                $"this statement runs SQL from a string that the gateway cannot analyse: {string.Join("; ", hidden)}. Write the query itself, or give the function one constant SELECT.",
                analysis,
                auditText,
                snapshot);
        }

        var catalogs = analysis.Statements.SelectMany(s => s.ValueCatalogs).Distinct(StringComparer.Ordinal).ToList();
        if (catalogs.Count > 0)
        {
            return Denied(
                CatalogValuesRule,
                $"{string.Join(", ", catalogs)} hold column values, other sessions' SQL or secrets, which Airlock cannot mask. pg_stat_activity is allowed without its query column (and without * or whole-row references).",
                analysis,
                auditText,
                snapshot);
        }

        return null;
    }
}
