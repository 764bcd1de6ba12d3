using System.Text.Json;

namespace Airlock.Sql.Analysis;

// The clauses of each query level that class E checks (docs/security.md), and where the uses they find are recorded.
internal sealed partial class LineageResolver
{
    private readonly List<ColumnUse> _uses = [];
    private string _clause = "select list";
    private bool _readsLiterals;

    /// <summary>The clauses of one query level other than its output: each may take columns apart.</summary>
    private void Clauses(JsonElement select, Scope scope, CteColumns ctes, JsonElement targets)
    {
        if (select.TryGetProperty("whereClause", out var where))
        {
            InClause("WHERE", () => Predicate(where, scope, ctes, null));
        }

        if (select.TryGetProperty("havingClause", out var having))
        {
            InClause("HAVING", () => Predicate(having, scope, ctes, null));
        }

        // Grouping compares values for equality, but the planner may sort to do it: DISTINCT ON always
        // (create_distinct_paths in planner.c never hashes it), GROUP BY and DISTINCT whenever it prefers a sort
        // (enable_hashagg = off, a small work_mem, a large input), and the rows then come out in the column's
        // order: an ordering, as ORDER BY. So a masked column is not grouped on.
        foreach (var (field, clause, how) in new[] { ("groupClause", "GROUP BY", "GROUP BY (which may sort the rows by it)"), ("distinctClause", "DISTINCT ON", "DISTINCT ON (which sorts the rows by it)") })
        {
            if (select.TryGetProperty(field, out var items))
            {
                foreach (var item in items.EnumerateArray())
                {
                    InClause(clause, () => OutputReference(item, scope, ctes, targets, how));
                }
            }
        }

        // Plain DISTINCT is [{}]: it groups on every output column.
        if (select.TryGetProperty("distinctClause", out var distinct) && distinct.EnumerateArray().Any(i => i.ValueKind == JsonValueKind.Object && !i.EnumerateObject().Any())
            && targets.ValueKind == JsonValueKind.Array)
        {
            foreach (var target in targets.EnumerateArray())
            {
                if (TargetValue(target) is { } value)
                {
                    InClause("DISTINCT", () => Predicate(value, scope, ctes, "DISTINCT (which may sort the rows by it)"));
                }
            }
        }

        // Ordering by a column is an oracle of its values (with LIMIT and OFFSET, a binary search).
        if (select.TryGetProperty("sortClause", out var sort))
        {
            foreach (var item in sort.EnumerateArray())
            {
                var node = item.TryGetProperty("SortBy", out var sortBy) && sortBy.TryGetProperty("node", out var n) ? n : item;
                InClause("ORDER BY", () => OutputReference(node, scope, ctes, targets, "ORDER BY"));
            }
        }

        // A count of rows is a number anyone can read: the value behind it is taken apart.
        foreach (var (field, clause) in new[] { ("limitCount", "LIMIT"), ("limitOffset", "OFFSET") })
        {
            if (select.TryGetProperty(field, out var limit))
            {
                InClause(clause, () => Predicate(limit, scope, ctes, clause));
            }
        }

        if (select.TryGetProperty("windowClause", out var windows))
        {
            InClause("WINDOW", () => Predicate(windows, scope, ctes, null));
        }
    }

    /// <summary>A set operation other than UNION ALL compares its branches' columns whole: neither side may be computed.</summary>
    private void SetOperation(JsonElement select, string op, List<OutputColumn> left, List<OutputColumn> right, List<OutputColumn> combined, CteColumns ctes, Scope? outer)
    {
        var all = select.TryGetProperty("all", out var a) && a.GetBoolean();
        if (!(op == "SETOP_UNION" && all))
        {
            for (var i = 0; i < Math.Min(left.Count, right.Count); i++)
            {
                if (!left[i].Direct || !right[i].Direct)
                {
                    InClause(op[6..], () => Record(left[i].From.Concat(right[i].From), "compared with a computed value"));
                }
            }
        }

        // ORDER BY and LIMIT of the whole set operation see only its output columns.
        var scope = new Scope(outer);
        scope.Add(new Relation("?setop", null, false, combined, null));
        Clauses(select, scope, ctes, default);
    }

    /// <summary>The WHERE and join conditions of UPDATE, DELETE and MERGE, and the query an INSERT writes.</summary>
    private void DataModifyingClauses(JsonElement statement, Scope scope, CteColumns ctes)
    {
        if (statement.TryGetProperty("whereClause", out var where))
        {
            InClause("WHERE", () => Predicate(where, scope, ctes, null));
        }

        if (statement.TryGetProperty("sourceRelation", out var source))
        {
            AddFromItem(source, scope, ctes);
        }

        if (statement.TryGetProperty("joinCondition", out var join))
        {
            InClause("MERGE ON", () => Predicate(join, scope, ctes, null));
        }

        if (statement.TryGetProperty("selectStmt", out var query) && StatementWalker.TryUnwrap(query, out var type, out var body) && type == "SelectStmt")
        {
            Select(body, ctes, null);
        }
    }

    /// <summary>count(…) in an output column: what it counts, and its FILTER, decide the number shown.</summary>
    private void CountedValues(JsonElement funcCall, Scope scope, CteColumns ctes)
    {
        foreach (var field in new[] { "args", "agg_filter" })
        {
            if (funcCall.TryGetProperty(field, out var value))
            {
                InClause("select list", () => Predicate(value, scope, ctes, null));
            }
        }
    }

    /// <summary>
    /// An ORDER BY, GROUP BY or DISTINCT ON item: an ordinal or a bare name may stand for an output column
    /// (PostgreSQL's findTargetlistEntrySQL92 in parse_clause.c), whose expression is then what is used.
    /// </summary>
    private void OutputReference(JsonElement item, Scope scope, CteColumns ctes, JsonElement targets, string? how)
    {
        if (item.ValueKind != JsonValueKind.Object || !StatementWalker.TryUnwrap(item, out var type, out var body))
        {
            return; // plain DISTINCT is [{}]: equality on whole rows of the output
        }

        var output = targets.ValueKind == JsonValueKind.Array ? targets.EnumerateArray().ToList() : [];
        if (type == "A_Const" && body.TryGetProperty("ival", out var ival))
        {
            _readsLiterals = true;
            var position = ival.TryGetProperty("ival", out var number) ? number.GetInt32() : 0;
            if (position >= 1 && position <= output.Count && TargetValue(output[position - 1]) is { } positional)
            {
                Predicate(positional, scope, ctes, how);
            }

            return;
        }

        if (type == "ColumnRef" && body.GetProperty("fields").EnumerateArray().Select(StringValue).ToList() is [{ } name])
        {
            var aliased = output.FirstOrDefault(t => t.TryGetProperty("ResTarget", out var rt) && rt.TryGetProperty("name", out var n) && n.GetString() == name);
            if (aliased.ValueKind == JsonValueKind.Object && TargetValue(aliased) is { } value)
            {
                Predicate(value, scope, ctes, how);
                if (ResolveReference(body, scope).Sources.Contains(Unresolved, StringComparer.Ordinal))
                {
                    return; // the name is only the output column's
                }
            }
        }

        Predicate(item, scope, ctes, how);
    }

    private static JsonElement? TargetValue(JsonElement target) =>
        target.TryGetProperty("ResTarget", out var rt) && rt.TryGetProperty("val", out var value) ? value : null;

    private void Record(IEnumerable<string> sources, string how)
    {
        foreach (var source in sources)
        {
            _uses.Add(new ColumnUse(source, how, _clause));
        }
    }

    private void InClause(string clause, Action walk)
    {
        var outer = _clause;
        _clause = clause;
        try
        {
            walk();
        }
        finally
        {
            _clause = outer;
        }
    }
}
