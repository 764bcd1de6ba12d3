using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy.Evaluation;
using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Decides how each result column is masked. Masking follows the data, not the column's label: an
/// output column is masked when any table column it derives from is sensitive, through aliases,
/// expressions, functions, CTEs, subqueries, JSON conversions and aggregates (lineage from the parse
/// tree, Airlock.Sql). RowDescription's table OID and attribute number pin direct columns to their
/// table through the catalog. When in doubt (no lineage for a computed column), every table the
/// statement reads counts as a source, and a whole-row source is redacted whole.
/// </summary>
internal static class ResultPlanner
{
    public static async ValueTask<ResultPlan> PlanAsync(
        IReadOnlyList<RowField> fields,
        StatementAnalysis? statement,
        GatewaySession session,
        PolicySnapshot snapshot,
        MaskingEngine engine,
        PgCatalog catalog,
        CancellationToken cancellationToken)
    {
        var principal = session.PrincipalFor(snapshot);
        var maskingOn = snapshot.Bundle.Masking.Enabled;
        var lineage = statement is not null && statement.Columns.Count == fields.Count ? statement.Columns : null;
        var columns = new ColumnPlan[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            var sources = new List<string>();
            if (field.TableOid != 0 && field.ColumnNumber > 0
                && await catalog.TableAsync(field.TableOid, cancellationToken) is { } table
                && table.Columns.TryGetValue(field.ColumnNumber, out var column))
            {
                sources.Add(table.QualifiedName + "." + column);
            }

            if (lineage is not null)
            {
                sources.AddRange(lineage[i].From);
            }
            else if (field.TableOid == 0 && statement is not null)
            {
                sources.AddRange(statement.TablesRead.Select(t => t + ".*"));
            }

            ColumnMasking? masked = null;
            var unmasked = false;
            var composite = false;
            foreach (var source in sources)
            {
                foreach (var (qualified, whole) in await ExpandAsync(source, catalog, cancellationToken))
                {
                    var decision = snapshot.ResolveColumnMasking(principal, session.Resource, qualified);
                    if (decision.Masked && masked is null)
                    {
                        masked = decision;
                        composite = whole;
                    }
                    else if (decision.UnmaskGrant is not null)
                    {
                        unmasked = true;
                    }
                }
            }

            // Types whose text (and binary) form is the UTF-8 text itself, so a masked string is still a valid value
            // (https://www.postgresql.org/docs/15/datatype-character.html). jsonb's binary form adds a version byte.
            var textType = PgTypeShapes.IsText(field.TypeOid);

            // A derived value (reverse(card), left(card, 12)) keeps different pieces under a partial mask, and
            // its token or hash is a dictionary of pieces: it is redacted whole (docs/security.md, class G).
            var derived = lineage is not null ? !lineage[i].Direct : field.TableOid == 0;
            ColumnMasker? masker;
            string? why;
            if (masked is not null)
            {
                // A whole row or object from a table with a sensitive column cannot keep a partial mask's shape: redact it whole.
                var strategy = composite || (derived && masked.Strategy is not (MaskingStrategy.Redact or MaskingStrategy.Null)) ? MaskingStrategy.Redact : masked.Strategy;
                masker = engine.ForColumn(field.Name, strategy, masked.EntityType ?? EntityTypes.Secret);
                why = masked.Source;
            }
            else if (unmasked || !maskingOn)
            {
                masker = null;
                why = unmasked ? "unmask grant" : "masking off";
            }
            else
            {
                // Every type that can carry text passes the detectors: arrays, records, bytea, tsvector, and
                // whatever the gateway does not know (StructuredValueMasker); numbers and times cannot.
                masker = textType || PgTypeShapes.Of(field.TypeOid) != ValueShape.NoText ? engine.ForColumn(field.Name) : null;
                why = "detectors";
            }

            columns[i] = new ColumnPlan(field.Name, masker, textType, field.TypeOid, field.Format, why);
        }

        return new ResultPlan(columns);
    }

    /// <summary><c>table.column</c> as is; <c>table.*</c> to every column of the table (or a placeholder that masks when the table is unknown).</summary>
    private static async ValueTask<IReadOnlyList<(string Column, bool Whole)>> ExpandAsync(string source, PgCatalog catalog, CancellationToken cancellationToken)
    {
        if (!source.EndsWith(".*", StringComparison.Ordinal))
        {
            return [(source, false)];
        }

        var tableName = source[..^2];
        var table = await catalog.TableAsync(tableName, cancellationToken);
        return table is null
            ? [(tableName + ".secret", true)]
            : [.. table.Columns.Values.Select(c => (table.QualifiedName + "." + c, true))];
    }
}
