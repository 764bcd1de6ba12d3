using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>
/// What a statement does with table columns outside its output (docs/security.md, class E). A column may
/// be compared whole: <c>=</c>, <c>&lt;&gt;</c>, <c>IN</c>, <c>IS [NOT] NULL</c>, <c>IS [NOT] DISTINCT FROM</c>,
/// equality joins, GROUP BY and PARTITION BY of the column itself, counted. Anything else takes it apart:
/// a function or operator applied to it, a pattern, a range, an ordering, a cast that changes it, a use as a
/// LIMIT. A whole comparison takes apart too when the other side is computed: a guess must be written out as
/// a constant, a parameter or a plain column, never generated (<c>generate_series</c>, expressions over other
/// rows), or one statement could test every possible value.
/// </summary>
/// <remarks>
/// Each operator and function decides for its operands, so <c>how</c> describes what the consumer does with the
/// value of the node at hand: null means "used whole". Only nodes that hand their operands' values on
/// unchanged (AND/OR/NOT, casts to text, rows and arrays, CASE results, COALESCE) pass it through.
/// </remarks>
internal sealed partial class LineageResolver
{
    /// <summary>Walks an expression that is not output, recording the columns it takes apart.</summary>
    private void Predicate(JsonElement element, Scope scope, CteColumns ctes, string? how)
    {
        using var guard = Enter();
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Predicate(item, scope, ctes, how);
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
                    Predicate(property.Value, scope, ctes, how);
                }
            }

            return;
        }

        PredicateNode(type, body, scope, ctes, how);
    }

    private void PredicateNode(string type, JsonElement body, Scope scope, CteColumns ctes, string? how)
    {
        switch (type)
        {
            case "ColumnRef":
            {
                var reference = ResolveReference(body, scope, narrowStars: true);
                if (how is not null || !(reference.Direct || reference.WholeRow))
                {
                    Record(reference.Sources, how ?? "a computed value (from a subquery, CTE or function)");
                }

                return;
            }

            case "A_Const" or "ParamRef" or "SQLValueFunction" or "SetToDefault":
                return;
            case "BoolExpr" or "RowExpr" or "A_ArrayExpr" or "List" or "CoalesceExpr" or "GroupingSet" or "SortBy" or "ResTarget":
                Predicate(body, scope, ctes, how);
                return;
            case "NullTest" or "BooleanTest":
                Predicate(body, scope, ctes, null); // IS [NOT] NULL / TRUE: the value is tested whole
                return;
            case "TypeCast":
                if (body.TryGetProperty("arg", out var arg))
                {
                    Predicate(arg, scope, ctes, IsTransparentCast(body) ? how : how ?? $"a cast to {TypeName(body)}");
                }

                return;
            case "CollateClause" when body.TryGetProperty("arg", out var collated):
                Predicate(collated, scope, ctes, how ?? "a COLLATE clause");
                return;
            case "A_Expr":
                Operator(body, scope, ctes);
                return;
            case "SubLink":
                _ = SubLinkUse(body, scope, ctes, how);
                return;
            case "SelectStmt":
                Record(Select(body, ctes, scope).SelectMany(c => c.From), how ?? "a subquery's value");
                return;
            case "FuncCall":
                FunctionUse(body, scope, ctes);
                return;
            case "WindowDef":
                Window(body, scope, ctes);
                return;
            case "CaseExpr":
                CaseUse(body, scope, ctes, how);
                return;
            default:
                // Anything else (GREATEST, XML constructors, subscripts, field selection, …) computes with its operands.
                Predicate(body, scope, ctes, how ?? Describe(type));
                return;
        }
    }

    private void Operator(JsonElement expression, Scope scope, CteColumns ctes)
    {
        var kind = expression.TryGetProperty("kind", out var k) ? k.GetString() : null;
        var name = expression.TryGetProperty("name", out var n) ? n.EnumerateArray().Select(StringValue).ToList() : [];
        var left = expression.TryGetProperty("lexpr", out var l) ? l : default;
        var right = expression.TryGetProperty("rexpr", out var r) ? r : default;
        if (IsEqualityLike(kind, name))
        {
            CompareWhole(left, right, scope, ctes);
            return;
        }

        var how = kind switch
        {
            "AEXPR_LIKE" => "LIKE",
            "AEXPR_ILIKE" => "ILIKE",
            "AEXPR_SIMILAR" => "SIMILAR TO",
            "AEXPR_BETWEEN" or "AEXPR_NOT_BETWEEN" or "AEXPR_BETWEEN_SYM" or "AEXPR_NOT_BETWEEN_SYM" => "a range (BETWEEN)",
            "AEXPR_NULLIF" => "NULLIF",
            _ => $"the {name.LastOrDefault() ?? "?"} operator",
        };
        Predicate(left, scope, ctes, how);
        Predicate(right, scope, ctes, how);
    }

    /// <summary>=, &lt;&gt;, IN, IS [NOT] DISTINCT FROM and = ANY / &lt;&gt; ALL, by PostgreSQL's own operators.</summary>
    private static bool IsEqualityLike(string? kind, List<string?> name)
    {
        if (kind is "AEXPR_IN" or "AEXPR_DISTINCT" or "AEXPR_NOT_DISTINCT")
        {
            return true;
        }

        var qualifiedByCatalog = name.Count == 1 || (name.Count == 2 && name[0] == "pg_catalog");
        return kind is "AEXPR_OP" or "AEXPR_OP_ANY" or "AEXPR_OP_ALL" && qualifiedByCatalog && name[^1] is "=" or "<>";
    }

    /// <summary>Both operands are used whole; if either is computed, the other's columns are tested against generated guesses.</summary>
    private void CompareWhole(JsonElement left, JsonElement right, Scope scope, CteColumns ctes)
    {
        var (leftPlain, leftSources) = Operand(left, scope, ctes);
        var (rightPlain, rightSources) = Operand(right, scope, ctes);
        if (!leftPlain || !rightPlain)
        {
            Record(leftSources().Concat(rightSources()), "compared with a computed value");
        }
    }

    /// <summary>
    /// Walks an operand used whole; says whether it is plain, and gives its sources on demand. A subquery
    /// operand is analyzed once for all three, so nested comparisons cost in proportion to their size.
    /// </summary>
    private (bool Plain, Func<IEnumerable<string>> Sources) Operand(JsonElement operand, Scope scope, CteColumns ctes)
    {
        var inner = operand;
        while (StatementWalker.TryUnwrap(inner, out var cast, out var castBody) && cast == "TypeCast" && IsTransparentCast(castBody) && castBody.TryGetProperty("arg", out var arg))
        {
            inner = arg;
        }

        if (StatementWalker.TryUnwrap(inner, out var type, out var body) && type == "SubLink")
        {
            var columns = SubLinkUse(body, scope, ctes, null);
            var kind = body.TryGetProperty("subLinkType", out var k) ? k.GetString() : null;
            var test = body.TryGetProperty("testexpr", out var t) ? t : default;
            return (kind is "EXPR_SUBLINK" or "ARRAY_SUBLINK" && columns.All(c => c.Direct),
                () => columns.SelectMany(c => c.From).Concat(kind is "EXPR_SUBLINK" or "ARRAY_SUBLINK" ? [] : Sources(test, scope, ctes)));
        }

        Predicate(operand, scope, ctes, null);
        return (IsPlain(operand, scope, ctes), () => Sources(operand, scope, ctes));
    }

    private List<OutputColumn> SubLinkUse(JsonElement subLink, Scope scope, CteColumns ctes, string? how)
    {
        var kind = subLink.TryGetProperty("subLinkType", out var k) ? k.GetString() : null;
        var columns = subLink.TryGetProperty("subselect", out var sub) && StatementWalker.TryUnwrap(sub, out _, out var select)
            ? Select(select, ctes, scope)
            : [];
        var test = subLink.TryGetProperty("testexpr", out var t) ? t : default;
        switch (kind)
        {
            case "EXISTS_SUBLINK":
                return columns;
            case "ANY_SUBLINK" or "ALL_SUBLINK" or "ROWCOMPARE_SUBLINK":
            {
                var op = subLink.TryGetProperty("operName", out var o) ? o.EnumerateArray().Select(StringValue).ToList() : ["="];
                if (IsEqualityLike("AEXPR_OP", op))
                {
                    var (plain, sources) = Operand(test, scope, ctes);
                    if (!plain || columns.Any(c => !c.Direct))
                    {
                        Record(sources().Concat(columns.SelectMany(c => c.From)), "compared with a computed value");
                    }
                }
                else
                {
                    var described = $"the {op.LastOrDefault() ?? "?"} operator";
                    Predicate(test, scope, ctes, described);
                    Record(columns.SelectMany(c => c.From), described);
                }

                return columns;
            }

            default:
                // A scalar or ARRAY subquery's value, used as the consumer says.
                if (how is not null || kind != "EXPR_SUBLINK" || columns.Any(c => !c.Direct))
                {
                    Record(columns.SelectMany(c => c.From), how ?? "a computed value (from a subquery)");
                }

                return columns;
        }
    }

    private void FunctionUse(JsonElement call, Scope scope, CteColumns ctes)
    {
        var name = call.TryGetProperty("funcname", out var f) ? f.EnumerateArray().Select(StringValue).LastOrDefault() ?? "?" : "?";
        if (call.TryGetProperty("args", out var args))
        {
            // count(x) counts the values that are not null, count(DISTINCT x) the distinct ones: both compare x whole.
            Predicate(args, scope, ctes, name == "count" ? null : $"{name}()");
        }

        if (call.TryGetProperty("agg_filter", out var filter))
        {
            Predicate(filter, scope, ctes, null);
        }

        if (call.TryGetProperty("agg_order", out var order))
        {
            Predicate(order, scope, ctes, $"the ORDER BY of {name}()");
        }

        if (call.TryGetProperty("over", out var over))
        {
            Window(over.TryGetProperty("WindowDef", out var def) ? def : over, scope, ctes);
        }
    }

    /// <summary>
    /// A window's ORDER BY ranks the values. PARTITION BY compares whole, but sorts too: PostgreSQL's WindowAgg
    /// reads its input sorted by the partition keys (nodeWindowAgg.c; there is no hashed windowing), so the rows
    /// come out in the column's order, as ORDER BY would give them.
    /// </summary>
    private void Window(JsonElement window, Scope scope, CteColumns ctes)
    {
        if (window.TryGetProperty("partitionClause", out var partition))
        {
            Predicate(partition, scope, ctes, "a window's PARTITION BY (which sorts the rows by it)");
        }

        if (window.TryGetProperty("orderClause", out var order))
        {
            Predicate(order, scope, ctes, "a window's ORDER BY");
        }

        foreach (var bound in new[] { "startOffset", "endOffset" })
        {
            if (window.TryGetProperty(bound, out var offset))
            {
                Predicate(offset, scope, ctes, "a window frame offset");
            }
        }
    }

    /// <summary>A CASE's conditions are predicates of their own; its results are the CASE's value; CASE x WHEN v compares x with each v.</summary>
    private void CaseUse(JsonElement caseExpr, Scope scope, CteColumns ctes, string? how)
    {
        var simple = caseExpr.TryGetProperty("arg", out var arg) ? arg : default;
        if (caseExpr.TryGetProperty("args", out var whens))
        {
            foreach (var when in whens.EnumerateArray())
            {
                var body = when.TryGetProperty("CaseWhen", out var w) ? w : when;
                if (body.TryGetProperty("expr", out var condition))
                {
                    if (simple.ValueKind == JsonValueKind.Object)
                    {
                        CompareWhole(simple, condition, scope, ctes);
                    }
                    else
                    {
                        Predicate(condition, scope, ctes, null);
                    }
                }

                if (body.TryGetProperty("result", out var result))
                {
                    Predicate(result, scope, ctes, how);
                }
            }
        }

        if (caseExpr.TryGetProperty("defresult", out var otherwise))
        {
            Predicate(otherwise, scope, ctes, how);
        }
    }
}
