using Airlock.Policy.Evaluation;
using Airlock.Sql.Analysis;

namespace Airlock.Pipeline;

/// <summary>
/// The rule of docs/security.md, class E: a column masked for the principal may be compared whole, never
/// taken apart, in any clause. What the analysis could not trace (a whole row taken apart, an unresolved
/// reference) counts as masked, since the gateway cannot tell from the text which columns it holds.
/// </summary>
internal static class TakenApartColumns
{
    /// <summary>Lineage's name for a reference it could not resolve.</summary>
    private const string Unresolved = "?";

    /// <summary>The first use of a masked column the statements take apart, or null when there is none.</summary>
    public static ColumnUse? FirstMasked(SqlAnalysis analysis, PolicySnapshot snapshot, ResolvedPrincipal principal, string resource)
    {
        var masking = snapshot.Bundle.Masking;
        if (!masking.Enabled && masking.Columns.Count == 0)
        {
            return null; // nothing is masked for anyone, so nothing can be rebuilt
        }

        foreach (var statement in analysis.Statements)
        {
            foreach (var use in statement.TakenApart)
            {
                if (IsUntraced(use.Column) || snapshot.ResolveColumnMasking(principal, resource, use.Column).Masked)
                {
                    return use;
                }
            }
        }

        return null;
    }

    /// <summary>The refusal's message: which column, how it was taken apart, and where.</summary>
    public static string Describe(ColumnUse use)
    {
        var what = use.Column == Unresolved
            ? "a column the gateway cannot trace to its table"
            : IsUntraced(use.Column)
                ? $"a whole row of {use.Column[..^2]} (which may hold masked columns)"
                : $"the masked column {use.Column}";
        return $"{what} is taken apart by {use.How} in {use.Clause}; a masked column may only be compared whole (=, <>, IN, IS NULL, IS DISTINCT FROM) with a constant, a parameter or another column";
    }

    private static bool IsUntraced(string column) => column == Unresolved || column.EndsWith(".*", StringComparison.Ordinal);
}
