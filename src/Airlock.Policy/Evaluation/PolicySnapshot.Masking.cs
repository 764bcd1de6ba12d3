using Airlock.Policy.Model;
using Airlock.Masking;
using Airlock.Masking.Columns;

namespace Airlock.Policy.Evaluation;

/// <summary>How one result column is to be shown to one principal, and why.</summary>
public sealed record ColumnMasking(string Column, bool Masked, MaskingStrategy? Strategy, string? EntityType, string Source, string? UnmaskGrant);

public sealed partial class PolicySnapshot
{
    /// <summary>
    /// Decides masking for a column written <c>table.column</c>. In order: an unmask grant for this
    /// principal shows it raw (and the caller audits the grant); a column rule masks it with its
    /// strategy; a sensitive column name masks it by its entity type. Anything else is still scanned by
    /// the detectors while masking is on. Column rules apply even with <c>default: off</c>.
    /// </summary>
    public ColumnMasking ResolveColumnMasking(ResolvedPrincipal principal, string resource, string column)
    {
        var masking = Bundle.Masking;
        var columnName = column[(column.LastIndexOf('.') + 1)..];
        var entity = SensitiveColumnNames.Classify(columnName);
        var rule = masking.Columns.FirstOrDefault(c => ColumnMatches(c.Pattern, column));

        if (rule is null && (entity is null || !masking.Enabled))
        {
            return new ColumnMasking(column, false, null, null, masking.Enabled ? "detectors" : "masking off", null);
        }

        var resourceDefinition = TryGetResource(resource, out var r) ? r : null;
        foreach (var grant in masking.Unmask)
        {
            var principalOk = grant.Principals.Users.Any(u => u.Name == principal.User)
                || grant.Principals.Groups.Any(g => principal.Groups.Contains(g.Name, StringComparer.Ordinal));
            var resourceOk = resourceDefinition is not null && ResourceSelectors.Matches(grant.Resources, resourceDefinition);
            var columnOk = grant.Columns.Any(c => ColumnMatches(c, column)) || (entity is not null && grant.Entities.Contains(entity, StringComparer.Ordinal));
            if (principalOk && resourceOk && columnOk)
            {
                return new ColumnMasking(column, false, null, entity, $"unmask grant {grant.Id}", grant.Id);
            }
        }

        if (rule is not null)
        {
            return new ColumnMasking(column, true, rule.Strategy, entity, $"column rule {rule.Pattern} ({rule.Location})", null);
        }

        var strategy = masking.Entities.TryGetValue(entity!, out var chosen) ? chosen : EntityTypes.Defaults[entity!];
        return new ColumnMasking(column, true, strategy, entity, $"sensitive column name ({entity})", null);
    }

    /// <summary>Column patterns are globs over <c>table.column</c>; a pattern without a schema matches any schema.</summary>
    private static bool ColumnMatches(string pattern, string column)
    {
        if (Glob.IsMatch(pattern, column))
        {
            return true;
        }

        // customers.email also matches public.customers.email.
        var dots = column.Count(c => c == '.');
        return dots >= 2 && pattern.Count(c => c == '.') == 1 && Glob.IsMatch(pattern, column.AsSpan(column.IndexOf('.') + 1));
    }
}
