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

    /// <summary>
    /// Work guard: a whole comparison looks at a subquery operand more than once (its uses, whether it is
    /// plain, its sources), so nested subqueries multiply the work. Past this many node visits the statement
    /// is not analyzed further and counts as unresolved, which masks and refuses.
    /// </summary>
    private const int MaxVisits = 300_000;

    private int _depth;
    private int _visits;

    public static IReadOnlyList<OutputColumn> Resolve(string type, JsonElement node) => Analyze(type, node).Columns;

    /// <summary>The output columns' lineage, and the columns the statement takes apart (<see cref="StatementAnalysis.TakenApart"/>).</summary>
    public static LineageResult Analyze(string type, JsonElement node)
    {
        var resolver = new LineageResolver();
        try
        {
            var columns = resolver.Statement(type, node);
            return new LineageResult(columns, [.. resolver._uses.Distinct()], resolver._readsLiterals);
        }
        catch (LineageTooDeepException)
        {
            return new LineageResult([new OutputColumn("?column?", [Unresolved])], [new ColumnUse(Unresolved, "nested too deeply to analyze", "statement")], false);
        }
    }

    private List<OutputColumn> Statement(string type, JsonElement node)
    {
        switch (type)
        {
            case "SelectStmt":
                return Select(node, CteColumns.Empty, null);
            case "InsertStmt" or "UpdateStmt" or "DeleteStmt" or "MergeStmt":
                return Returning(node, CteColumns.Empty);
            case "CopyStmt":
                return Copy(node);
            case "DeclareCursorStmt" when node.TryGetProperty("query", out var query) && StatementWalker.TryUnwrap(query, out var t, out var body):
                return Statement(t, body);
            case "ExplainStmt" or "PrepareStmt" or "CreateTableAsStmt" when node.TryGetProperty("query", out var inner) && StatementWalker.TryUnwrap(inner, out var t, out var body):
                // EXPLAIN's row counts, and a prepared or materialized query run later, answer the same
                // predicates: what they take apart counts now. They have no result columns of their own here.
                Statement(t, body);
                return [];
            default:
                return [];
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
                return [.. columns.EnumerateArray().Select(c => StringValue(c) is { } name ? new OutputColumn(name, [$"{table}.{name}"]) { Direct = true } : new OutputColumn("?column?", [$"{table}.*"]))];
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
            var combined = left.Select((column, i) => new OutputColumn(column.Name, Union(column.From, i < right.Count ? right[i].From : []))
            {
                Direct = column.Direct && i < right.Count && right[i].Direct,
            }).ToList();
            SetOperation(select, op!, left, right, combined, ctes, outer);
            return combined;
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
                    var direct = IsDirect(item, scope);
                    if (i < columns.Count)
                    {
                        columns[i] = columns[i] with { From = Union(columns[i].From, from), Direct = columns[i].Direct && direct };
                    }
                    else
                    {
                        columns.Add(new OutputColumn($"column{i + 1}", [.. from]) { Direct = direct });
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

        var targets = select.TryGetProperty("targetList", out var targetList) ? targetList : default;
        var result = targets.ValueKind == JsonValueKind.Array ? Targets(targets, scope, ctes) : [];
        Clauses(select, scope, ctes, targets);
        return result;
    }

    private List<OutputColumn> Returning(JsonElement statement, CteColumns ctes)
    {
        using var guard = Enter();
        if (statement.TryGetProperty("withClause", out var with))
        {
            ctes = WithClause(with, ctes, null);
        }

        var returning = statement.TryGetProperty("returningList", out var r) ? r : default;
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

        DataModifyingClauses(statement, scope, ctes);
        return returning.ValueKind == JsonValueKind.Array ? Targets(returning, scope, ctes) : [];
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
        if (++_depth > MaxDepth || ++_visits > MaxVisits || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
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

/// <summary>One statement's lineage: its output columns, the columns it takes apart, and whether that reads literal values.</summary>
internal sealed record LineageResult(IReadOnlyList<OutputColumn> Columns, IReadOnlyList<ColumnUse> TakenApart, bool DependsOnLiterals);
