using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>
/// SQL run from strings (issue 14, class A) and catalogs that hold values (class F): what the walker adds to
/// a statement for each.
/// </summary>
internal sealed partial class StatementWalker
{
    private readonly List<string> _hidden = [];
    private readonly List<string> _valueCatalogs = [];

    /// <summary>Whether the statement reads pg_stat_activity, whose columns are checked when the walk is done.</summary>
    private bool _readsActivity;

    /// <summary>
    /// A call to a function that runs SQL from a string: the statement reads, writes, calls and is what that
    /// SQL does, or is refused when the SQL cannot be known. EXPLAIN does not keep it from running: the planner
    /// evaluates a stable function of constants while estimating (estimate_expression_value in clauses.c), and
    /// table_to_xml, schema_to_xml and database_to_xml are stable.
    /// </summary>
    private void AddEmbedded(string name, JsonElement funcCall)
    {
        if (EmbeddedSql.Read(name, funcCall) is not { } read)
        {
            return;
        }

        if (read.OpaqueReason is { } reason)
        {
            _kind = StatementKind.Unknown;
            _flags |= SqlFlags.HiddenSql;
            AddOnce(_hidden, reason);
            return;
        }

        foreach (var table in read.Tables)
        {
            AddOnce(_read, table);
        }

        if (read.Statement is not { } inner)
        {
            return;
        }

        inner.TablesRead.ToList().ForEach(t => AddOnce(_read, t));
        inner.TablesWritten.ToList().ForEach(t => AddOnce(_written, t));
        inner.Functions.ToList().ForEach(f => AddOnce(_functions, f));
        inner.HiddenSql.ToList().ForEach(h => AddOnce(_hidden, h));
        inner.ValueCatalogs.ToList().ForEach(v => AddOnce(_valueCatalogs, v));
        _kind = StatementKinds.Max(_kind, inner.Kind);
        _flags |= inner.Flags & ~SqlFlags.NoWhere;
    }

    /// <summary>A read of a relation that <see cref="ValueCatalogs"/> refuses, or of pg_stat_activity, checked by column at the end.</summary>
    private void CheckValueRelation(string name)
    {
        if (ValueCatalogs.Relations.Contains(name))
        {
            _flags |= SqlFlags.CatalogValues;
            AddOnce(_valueCatalogs, name);
        }
        else if (name == ValueCatalogs.Activity)
        {
            _readsActivity = true;
        }
    }

    private void CheckValueFunction(string name)
    {
        if (ValueCatalogs.Functions.Contains(name))
        {
            _flags |= SqlFlags.CatalogValues;
            AddOnce(_valueCatalogs, name + "()");
        }
    }

    /// <summary>
    /// pg_stat_activity is allowed for its other columns (pid, state, wait_event, query_start: what on-call
    /// engineers need), never for <c>query</c>. Without the catalog the walker cannot tell which relation owns a
    /// column, so it refuses whenever the statement could reach <c>query</c> in any way: the name anywhere
    /// (a column, a field, a USING list, a column alias), a star, a whole-row reference to any relation or alias
    /// of the statement (<c>SELECT a FROM pg_stat_activity a</c>, <c>to_json(a)</c>), a NATURAL join (it compares
    /// same-named columns), and column aliases (<c>AS a(x1, x2, …)</c> would rename <c>query</c>).
    /// </summary>
    private void CheckActivityColumns(JsonElement statement)
    {
        if (!_readsActivity)
        {
            return;
        }

        var relations = new HashSet<string>(StringComparer.Ordinal);
        var singleNames = new List<string>();
        if (ReachesQuery(statement, relations, singleNames) || singleNames.Any(relations.Contains))
        {
            _flags |= SqlFlags.CatalogValues;
            AddOnce(_valueCatalogs, $"{ValueCatalogs.Activity}.{ValueCatalogs.ActivityQueryColumn}");
        }
    }

    private static bool ReachesQuery(JsonElement element, HashSet<string> relations, List<string> singleNames)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (ReachesQuery(item, relations, singleNames))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Object:
                break;
            default:
                return false;
        }

        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "A_Star":
                    return true;
                case "String" when property.Value.TryGetProperty("sval", out var s) && s.GetString() == ValueCatalogs.ActivityQueryColumn:
                    return true;
                case "isNatural" when property.Value.ValueKind == JsonValueKind.True:
                    return true;
                case "colnames":
                    return true;
                case "relname" or "ctename" or "aliasname" when property.Value.ValueKind == JsonValueKind.String:
                    relations.Add(property.Value.GetString()!);
                    break;
                case "ColumnRef" when property.Value.TryGetProperty("fields", out var fields) && fields.GetArrayLength() == 1
                    && LineageResolver.StringValue(fields[0]) is { } single:
                    singleNames.Add(single);
                    break;
            }

            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && ReachesQuery(property.Value, relations, singleNames))
            {
                return true;
            }
        }

        return false;
    }

    private static void AddOnce(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.Ordinal))
        {
            list.Add(value);
        }
    }
}
