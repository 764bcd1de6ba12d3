using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Traces each output column of a row-returning statement to the table columns it derives from, through
/// aliases, expressions, function calls, CTEs, subqueries, set operations and aggregates. Without the
/// catalog it cannot know which table owns an unqualified column, so it errs towards more sources: the
/// gateway masks by this lineage, and a spurious source only masks more.
/// </summary>
/// <remarks>
/// Sources are written <c>table.column</c> with the table as the statement wrote it; <c>table.*</c> means
/// every column of the table (star expansion, whole-row references, renamed columns); <c>?</c> means a
/// reference that could not be resolved, which the gateway must treat as sensitive.
/// </remarks>
internal sealed partial class LineageResolver
{
    public const string Unresolved = "?";

    /// <summary>Nesting guard: lineage is computed recursively, and the parser allows deep nesting.</summary>
    private const int MaxDepth = 200;

    private int _depth;

    public static IReadOnlyList<OutputColumn> Resolve(string type, JsonElement node)
    {
        var resolver = new LineageResolver();
        try
        {
            return type switch
            {
                "SelectStmt" => resolver.Select(node, CteColumns.Empty, null),
                "InsertStmt" or "UpdateStmt" or "DeleteStmt" or "MergeStmt" => resolver.Returning(node, CteColumns.Empty),
                "CopyStmt" => resolver.Copy(node),
                "DeclareCursorStmt" when node.TryGetProperty("query", out var query) && StatementWalker.TryUnwrap(query, out var t, out var body) => Resolve(t, body),
                _ => [],
            };
        }
        catch (LineageTooDeepException)
        {
            return [new OutputColumn("?column?", [Unresolved])];
        }
    }

    private List<OutputColumn> Copy(JsonElement copy)
    {
        if (copy.TryGetProperty("query", out var query) && StatementWalker.TryUnwrap(query, out var type, out var body))
        {
            return [.. Resolve(type, body)];
        }

        if (copy.TryGetProperty("relation", out var relation))
        {
            var table = TableName(relation);
            if (copy.TryGetProperty("attlist", out var columns))
            {
                return [.. columns.EnumerateArray().Select(c => StringValue(c) is { } name ? new OutputColumn(name, [$"{table}.{name}"]) : new OutputColumn("?column?", [$"{table}.*"]))];
            }

            return [new OutputColumn("*", [$"{table}.*"])];
        }

        return [];
    }

    private List<OutputColumn> Select(JsonElement select, CteColumns ctes, Scope? outer)
    {
        using var guard = Enter();
        if (select.TryGetProperty("withClause", out var with))
        {
            ctes = WithClause(with, ctes, outer);
        }

        var op = select.TryGetProperty("op", out var o) ? o.GetString() : "SETOP_NONE";
        if (op != "SETOP_NONE")
        {
            var left = Select(select.GetProperty("larg"), ctes, outer);
            var right = Select(select.GetProperty("rarg"), ctes, outer);
            return [.. left.Select((column, i) => new OutputColumn(column.Name, Union(column.From, i < right.Count ? right[i].From : [])))];
        }

        var scope = new Scope(outer);
        if (select.TryGetProperty("valuesLists", out var rows))
        {
            var columns = new List<OutputColumn>();
            foreach (var row in rows.EnumerateArray())
            {
                var items = row.TryGetProperty("List", out var list) ? list.GetProperty("items") : row;
                var i = 0;
                foreach (var item in items.EnumerateArray())
                {
                    var from = Expression(item, scope, ctes);
                    if (i < columns.Count)
                    {
                        columns[i] = columns[i] with { From = Union(columns[i].From, from) };
                    }
                    else
                    {
                        columns.Add(new OutputColumn($"column{i + 1}", [.. from]));
                    }

                    i++;
                }
            }

            return columns;
        }

        if (select.TryGetProperty("fromClause", out var fromClause))
        {
            foreach (var item in fromClause.EnumerateArray())
            {
                AddFromItem(item, scope, ctes);
            }
        }

        return select.TryGetProperty("targetList", out var targets) ? Targets(targets, scope, ctes) : [];
    }

    private List<OutputColumn> Returning(JsonElement statement, CteColumns ctes)
    {
        using var guard = Enter();
        if (statement.TryGetProperty("withClause", out var with))
        {
            ctes = WithClause(with, ctes, null);
        }

        if (!statement.TryGetProperty("returningList", out var returning))
        {
            return [];
        }

        var scope = new Scope(null);
        if (statement.TryGetProperty("relation", out var relation))
        {
            scope.Add(BaseRelation(relation));
        }

        foreach (var field in new[] { "fromClause", "usingClause" })
        {
            if (statement.TryGetProperty(field, out var items))
            {
                foreach (var item in items.EnumerateArray())
                {
                    AddFromItem(item, scope, ctes);
                }
            }
        }

        return Targets(returning, scope, ctes);
    }

    private CteColumns WithClause(JsonElement with, CteColumns ctes, Scope? outer)
    {
        var recursive = with.TryGetProperty("recursive", out var r) && r.GetBoolean();
        if (!with.TryGetProperty("ctes", out var list))
        {
            return ctes;
        }

        foreach (var item in list.EnumerateArray())
        {
            var cte = item.GetProperty("CommonTableExpr");
            var name = cte.GetProperty("ctename").GetString()!;
            if (!cte.TryGetProperty("ctequery", out var query) || !StatementWalker.TryUnwrap(query, out var type, out var body))
            {
                continue;
            }

            List<OutputColumn> columns;
            if (type == "SelectStmt")
            {
                if (recursive && body.TryGetProperty("larg", out var seed))
                {
                    // A recursive CTE: its columns come from the seed, then from the recursive term that reads itself.
                    var first = Select(seed, ctes, outer);
                    columns = Select(body, ctes.With(name, Rename(first, cte)), outer);
                    columns = [.. columns.Select((c, i) => c with { From = Union(c.From, i < first.Count ? first[i].From : []) })];
                }
                else
                {
                    columns = Select(body, ctes, outer);
                }
            }
            else
            {
                columns = Returning(body, ctes);
            }

            ctes = ctes.With(name, Rename(columns, cte));
        }

        return ctes;
    }

    private static List<OutputColumn> Rename(List<OutputColumn> columns, JsonElement cte)
    {
        if (!cte.TryGetProperty("aliascolnames", out var names))
        {
            return columns;
        }

        var renamed = names.EnumerateArray().Select(StringValue).ToList();
        return [.. columns.Select((c, i) => i < renamed.Count && renamed[i] is { } name ? c with { Name = name } : c)];
    }

    private LineageTooDeepGuard Enter()
    {
        if (++_depth > MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new LineageTooDeepException();
        }

        return new LineageTooDeepGuard(this);
    }

    private readonly struct LineageTooDeepGuard(LineageResolver owner) : IDisposable
    {
        public void Dispose() => owner._depth--;
    }

    private sealed class LineageTooDeepException : Exception;
}
