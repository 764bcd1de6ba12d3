using System.Text.Json;

namespace Airlock.Sql.Analysis;

internal sealed partial class LineageResolver
{
    private List<OutputColumn> Targets(JsonElement targets, Scope scope, CteColumns ctes)
    {
        var columns = new List<OutputColumn>();
        foreach (var target in targets.EnumerateArray())
        {
            if (!target.TryGetProperty("ResTarget", out var resTarget) || !resTarget.TryGetProperty("val", out var value))
            {
                continue;
            }

            if (value.TryGetProperty("ColumnRef", out var columnRef) && IsStar(columnRef, out var qualifier))
            {
                columns.AddRange(Star(qualifier, scope));
                continue;
            }

            var name = resTarget.TryGetProperty("name", out var n) ? n.GetString()! : ColumnName(value);
            columns.Add(new OutputColumn(name, [.. Expression(value, scope, ctes).Order(StringComparer.Ordinal)]) { Direct = IsDirect(value, scope) });
        }

        return columns;
    }

    /// <summary>The table columns an expression's value can carry.</summary>
    private HashSet<string> Expression(JsonElement expression, Scope scope, CteColumns ctes)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        Collect(expression, scope, ctes, found);
        return found;
    }

    private void Collect(JsonElement element, Scope scope, CteColumns ctes, HashSet<string> found)
    {
        using var guard = Enter();
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, scope, ctes, found);
                }

                return;
            case JsonValueKind.Object:
                break;
            default:
                return;
        }

        if (!StatementWalker.TryUnwrap(element, out var type, out var body))
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    Collect(property.Value, scope, ctes, found);
                }
            }

            return;
        }

        // A window in the output sorts the rows by its ORDER BY, which the order of the rows shows: the same
        // oracle as the statement's own ORDER BY (a named WINDOW is checked with the other clauses).
        if (type == "FuncCall" && body.TryGetProperty("over", out var over))
        {
            InClause("select list", () => Window(over.TryGetProperty("WindowDef", out var def) ? def : over, scope, ctes));
        }

        switch (type)
        {
            case "ColumnRef":
                found.UnionWith(ColumnReference(body, scope));
                return;
            case "A_Const" or "ParamRef":
                return;
            case "SubLink":
            {
                var kind = body.TryGetProperty("subLinkType", out var k) ? k.GetString() : null;
                if (body.TryGetProperty("testexpr", out var test))
                {
                    Collect(test, scope, ctes, found);
                }

                // EXISTS yields only a boolean; every other sublink can carry the subquery's values. The
                // subquery's own clauses are walked either way, for what they take apart.
                if (body.TryGetProperty("subselect", out var sub) && StatementWalker.TryUnwrap(sub, out _, out var select))
                {
                    var columns = Select(select, ctes, scope);
                    if (kind != "EXISTS_SUBLINK")
                    {
                        foreach (var column in columns)
                        {
                            found.UnionWith(column.From);
                        }
                    }
                }

                return;
            }

            case "FuncCall" when IsCount(body):
                // count(…) yields a number, never the values counted; but what it counts is a predicate.
                CountedValues(body, scope, ctes);
                return;
            case "FuncCall" when body.TryGetProperty("funcname", out var funcName)
                && funcName.EnumerateArray().Select(StringValue).LastOrDefault() is { } function
                && EmbeddedSql.Read(function, body) is { } embedded:
                // SQL run from a string (ts_stat, query_to_xml, table_to_xml…): the result carries every value
                // that SQL returns; what cannot be known is unresolved, which masks.
                found.UnionWith(embedded.Sources);

                // What the hidden SQL takes apart is taken apart by this statement (class E through class A).
                if (embedded.Statement is { } inner)
                {
                    _uses.AddRange(inner.TakenApart.Select(u => u with { Clause = $"{u.Clause} of the SQL in {function}()" }));
                }

                break;
            case "SelectStmt":
                foreach (var column in Select(body, ctes, scope))
                {
                    found.UnionWith(column.From);
                }

                return;
        }

        Collect(body, scope, ctes, found);
    }

    private static bool IsCount(JsonElement funcCall) =>
        funcCall.TryGetProperty("funcname", out var name) && name.EnumerateArray().Select(StringValue).LastOrDefault() == "count"
        && !funcCall.TryGetProperty("over", out _);

    private static bool IsStar(JsonElement columnRef, out string? qualifier)
    {
        var fields = columnRef.GetProperty("fields").EnumerateArray().ToList();
        qualifier = fields.Count >= 2 ? string.Join('.', fields.Take(fields.Count - 1).Select(f => StringValue(f) ?? "?")) : null;
        return fields.Count > 0 && fields[^1].TryGetProperty("A_Star", out _);
    }

    private static IEnumerable<string> ColumnReference(JsonElement columnRef, Scope scope) => ResolveReference(columnRef, scope).Sources;

    /// <summary>What a column reference reads: its sources, and whether its value is a source column's value unchanged.</summary>
    /// <remarks>
    /// With <paramref name="narrowStars"/>, a column of a derived relation that selected <c>t.*</c> is <c>t.column</c>, as
    /// PostgreSQL resolves it; output lineage keeps <c>t.*</c> (masking the whole table's way is never less safe).
    /// </remarks>
    private static Reference ResolveReference(JsonElement columnRef, Scope scope, bool narrowStars = false)
    {
        var fields = columnRef.GetProperty("fields").EnumerateArray().Select(StringValue).ToList();
        if (fields.Count == 0 || fields.Any(f => f is null))
        {
            // A star inside an expression (count(*) aside, which never gets here), or something unexpected.
            if (IsStar(columnRef, out var qualifier))
            {
                // A whole row of a base table compares whole; a derived relation's "row" is whatever it computed.
                var baseTable = qualifier is not null && FindRelation(qualifier, scope) is { Table: not null };
                return new Reference([.. Star(qualifier, scope).SelectMany(c => c.From)], Direct: false, WholeRow: baseTable);
            }

            return Reference.Unresolved;
        }

        if (fields.Count == 1)
        {
            return Unqualified(fields[0]!, scope, narrowStars);
        }

        // alias.column, or schema.table.column: the relation is named by everything but the last part.
        var relationName = string.Join('.', fields.Take(fields.Count - 1));
        var column = fields[^1]!;
        for (var level = scope; level is not null; level = level.Outer)
        {
            var relation = level.Relations.FirstOrDefault(r => r.Alias == relationName || r.Table == relationName);
            if (relation is not null)
            {
                return ColumnOf(relation, column, narrowStars) ?? Reference.Unresolved;
            }
        }

        // Perhaps (composite).field of an unqualified column: trace the column by its first part. A field of a
        // value is a piece of it, never the whole.
        var composite = Unqualified(fields[0]!, scope);
        return composite.Sources.Count > 0 ? composite with { Direct = false, WholeRow = false } : Reference.Unresolved;
    }

    /// <summary>
    /// An unqualified name may belong to any relation in scope, or to an outer query, or be a whole-row
    /// reference to a relation of that name. Without the catalog all of those are possible sources.
    /// </summary>
    private static Reference Unqualified(string name, Scope scope, bool narrowStars = false)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var matched = false;
        var direct = true;
        var wholeRow = false;
        for (var level = scope; level is not null; level = level.Outer)
        {
            foreach (var relation in level.Relations)
            {
                if (ColumnOf(relation, name, narrowStars) is { } column)
                {
                    matched = true;
                    direct &= column.Direct;
                    found.UnionWith(column.Sources);
                }

                if (relation.Alias == name)
                {
                    matched = true;
                    direct = false;
                    wholeRow |= relation.Table is not null;
                    found.UnionWith(StarOf(relation).SelectMany(c => c.From));
                }
            }
        }

        // A column that matched but derives from no table (a constant in a subquery) has no sources; one
        // that matched nothing at all is unresolved.
        return matched ? new Reference(found, direct, wholeRow) : Reference.Unresolved;
    }

    /// <summary>The sources of a relation's column, or null when the relation has no column of that name.</summary>
    private static Reference? ColumnOf(Relation relation, string column, bool narrowStars)
    {
        if (relation.Table is { } table)
        {
            return relation.ColumnsRenamed ? new Reference([$"{table}.*"], false, false) : new Reference([$"{table}.{column}"], true, false);
        }

        if (relation.Columns is { } columns)
        {
            var named = columns.Where(c => c.Name == column).ToList();
            if (named.Count > 0)
            {
                return new Reference([.. named.SelectMany(c => c.From).Distinct(StringComparer.Ordinal)], named.All(c => c.Direct), false);
            }

            // A star the derived relation could not expand (WITH c AS (SELECT * FROM t) … c.x) holds every
            // column of its table, this one among them.
            // PostgreSQL resolves the name to that table's column of the same name: t.* narrows to t.column.
            var stars = columns.Where(c => c.Name == "*").ToList();
            return stars.Count > 0
                ? new Reference([.. stars.SelectMany(c => c.From).Select(f => narrowStars && f.EndsWith(".*", StringComparison.Ordinal) ? $"{f[..^2]}.{column}" : f).Distinct(StringComparer.Ordinal)], false, false)
                : null;
        }

        // A column of a function in FROM: computed from the function's arguments.
        return new Reference([.. relation.AnyColumn ?? []], false, false);
    }

    private static Relation? FindRelation(string name, Scope scope)
    {
        for (var level = scope; level is not null; level = level.Outer)
        {
            if (level.Relations.FirstOrDefault(r => r.Alias == name || r.Table == name) is { } relation)
            {
                return relation;
            }
        }

        return null;
    }

    private static IEnumerable<OutputColumn> Star(string? qualifier, Scope scope)
    {
        if (qualifier is null)
        {
            return scope.Relations.SelectMany(StarOf);
        }

        for (var level = scope; level is not null; level = level.Outer)
        {
            var relation = level.Relations.FirstOrDefault(r => r.Alias == qualifier || r.Table == qualifier);
            if (relation is not null)
            {
                return StarOf(relation);
            }
        }

        return [new OutputColumn("*", [Unresolved])];
    }

    private static IEnumerable<OutputColumn> StarOf(Relation relation)
    {
        if (relation.Table is { } table)
        {
            return [new OutputColumn("*", [$"{table}.*"])];
        }

        if (relation.Columns is { } columns)
        {
            return columns;
        }

        return [new OutputColumn("*", [.. relation.AnyColumn ?? []])];
    }

    /// <summary>The name PostgreSQL gives an unnamed output column (FigureColname in parse_target.c), roughly.</summary>
    private static string ColumnName(JsonElement value)
    {
        if (!StatementWalker.TryUnwrap(value, out var type, out var body))
        {
            return "?column?";
        }

        return type switch
        {
            "ColumnRef" => body.GetProperty("fields").EnumerateArray().Select(StringValue).LastOrDefault() ?? "?column?",
            "FuncCall" => body.GetProperty("funcname").EnumerateArray().Select(StringValue).LastOrDefault() ?? "?column?",
            "TypeCast" => body.TryGetProperty("arg", out var arg) && ColumnName(arg) is var inner && inner != "?column?" ? inner : TypeName(body),
            "CaseExpr" => "case",
            "CoalesceExpr" => "coalesce",
            "MinMaxExpr" => body.TryGetProperty("op", out var op) && op.GetString() == "IS_GREATEST" ? "greatest" : "least",
            "SubLink" when body.TryGetProperty("subLinkType", out var kind) => kind.GetString() switch
            {
                "EXISTS_SUBLINK" => "exists",
                "ARRAY_SUBLINK" => "array",
                _ => body.TryGetProperty("subselect", out var sub) && sub.TryGetProperty("SelectStmt", out var s) && s.TryGetProperty("targetList", out var t)
                    && t.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first && first.TryGetProperty("ResTarget", out var rt)
                    ? (rt.TryGetProperty("name", out var rn) ? rn.GetString()! : rt.TryGetProperty("val", out var rv) ? ColumnName(rv) : "?column?")
                    : "?column?",
            },
            "A_ArrayExpr" => "array",
            "A_Indirection" => body.TryGetProperty("indirection", out var indirection) && indirection.EnumerateArray().Select(StringValue).LastOrDefault() is { } field
                ? field
                : body.TryGetProperty("arg", out var indirected) ? ColumnName(indirected) : "?column?",
            "RowExpr" => "row",
            _ => "?column?",
        };
    }

    private static string TypeName(JsonElement typeCast) =>
        typeCast.TryGetProperty("typeName", out var typeName) && typeName.TryGetProperty("names", out var names)
            ? names.EnumerateArray().Select(StringValue).LastOrDefault() ?? "?column?"
            : "?column?";

    private static string[] Union(IEnumerable<string> a, IEnumerable<string> b) => [.. a.Union(b, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
