using System.Text.Json;

namespace Airlock.Sql.Analysis;

internal sealed partial class LineageResolver
{
    /// <summary>One entry of a FROM clause: a base table, or a derived relation with known or unknown columns.</summary>
    private sealed record Relation(string Alias, string? Table, bool ColumnsRenamed, List<OutputColumn>? Columns, HashSet<string>? AnyColumn);

    /// <summary>A column reference's sources; direct when its value is a source column's value unchanged; or a whole row.</summary>
    private readonly record struct Reference(IReadOnlyCollection<string> Sources, bool Direct, bool WholeRow)
    {
        public static Reference Unresolved { get; } = new([LineageResolver.Unresolved], false, false);
    }

    /// <summary>The relations visible at one query level, and the level around it (for correlated references).</summary>
    private sealed class Scope(Scope? outer)
    {
        public List<Relation> Relations { get; } = [];

        public Scope? Outer { get; } = outer;

        public void Add(Relation relation) => Relations.Add(relation);
    }

    /// <summary>The output columns of the CTEs in scope, innermost definitions first.</summary>
    private sealed class CteColumns
    {
        private readonly CteColumns? _parent;
        private readonly string? _name;
        private readonly List<OutputColumn>? _columns;

        private CteColumns(CteColumns? parent, string? name, List<OutputColumn>? columns)
        {
            _parent = parent;
            _name = name;
            _columns = columns;
        }

        public static CteColumns Empty { get; } = new(null, null, null);

        public CteColumns With(string name, List<OutputColumn> columns) => new(this, name, columns);

        public List<OutputColumn>? Find(string name)
        {
            for (var c = this; c is not null; c = c._parent)
            {
                if (c._name == name)
                {
                    return c._columns;
                }
            }

            return null;
        }
    }

    private void AddFromItem(JsonElement item, Scope scope, CteColumns ctes)
    {
        if (!StatementWalker.TryUnwrap(item, out var type, out var body))
        {
            return;
        }

        switch (type)
        {
            case "RangeVar":
            {
                var name = body.GetProperty("relname").GetString()!;
                var alias = AliasName(body) ?? name;
                if (!body.TryGetProperty("schemaname", out _) && ctes.Find(name) is { } columns)
                {
                    scope.Add(new Relation(alias, null, false, RenameByAlias(columns, body), null));
                }
                else
                {
                    scope.Add(BaseRelation(body));
                }

                break;
            }

            case "JoinExpr":
            {
                var inner = new Scope(scope.Outer);
                AddFromItem(body.GetProperty("larg"), inner, ctes);
                var leftCount = inner.Relations.Count;
                AddFromItem(body.GetProperty("rarg"), inner, ctes);
                if (body.TryGetProperty("quals", out var quals))
                {
                    InClause("JOIN ON", () => Predicate(quals, inner, ctes, null));
                }

                InClause("JOIN USING", () => JoinByName(body, inner.Relations[..leftCount], inner.Relations[leftCount..]));

                scope.Relations.AddRange(inner.Relations);
                if (AliasName(body) is { } joinAlias)
                {
                    var all = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var relation in inner.Relations)
                    {
                        all.UnionWith(StarOf(relation).SelectMany(c => c.From));
                    }

                    scope.Add(new Relation(joinAlias, null, false, null, all));
                }

                break;
            }

            case "RangeSubselect":
            {
                var lateral = body.TryGetProperty("lateral", out var l) && l.GetBoolean();
                var subquery = body.GetProperty("subquery");
                var columns = StatementWalker.TryUnwrap(subquery, out _, out var select)
                    ? Select(select, ctes, lateral ? scope : scope.Outer)
                    : [];
                scope.Add(new Relation(AliasName(body) ?? "?subquery", null, false, RenameByAlias(columns, body), null));
                break;
            }

            case "RangeTableSample":
            {
                var relation = body.GetProperty("relation");
                AddFromItem(relation, scope, ctes);
                break;
            }

            default:
            {
                // Functions in FROM (unnest, json_to_recordset, …), XMLTABLE and the like: every column
                // they return may carry any value their arguments carry.
                var from = Expression(body, scope, ctes);

                // How many rows a function in FROM returns, and what, depends on its arguments: each is taken apart.
                InClause("FROM", () => Predicate(body, scope, ctes, null));
                var alias = AliasName(body) ?? FunctionAlias(body) ?? "?function";
                scope.Add(new Relation(alias, null, false, null, from));
                break;
            }
        }
    }

    private static Relation BaseRelation(JsonElement rangeVar)
    {
        var table = TableName(rangeVar);
        var alias = AliasName(rangeVar) ?? rangeVar.GetProperty("relname").GetString()!;
        var renamed = rangeVar.TryGetProperty("alias", out var a) && a.TryGetProperty("colnames", out _);
        return new Relation(alias, table, renamed, null, null);
    }

    private static List<OutputColumn> RenameByAlias(List<OutputColumn> columns, JsonElement body)
    {
        if (!body.TryGetProperty("alias", out var alias) || !alias.TryGetProperty("colnames", out var names))
        {
            return columns;
        }

        var renamed = names.EnumerateArray().Select(StringValue).ToList();
        return [.. columns.Select((c, i) => i < renamed.Count && renamed[i] is { } name ? c with { Name = name } : c)];
    }

    internal static string TableName(JsonElement rangeVar)
    {
        var name = rangeVar.GetProperty("relname").GetString()!;
        var qualified = rangeVar.TryGetProperty("schemaname", out var schema) ? $"{schema.GetString()}.{name}" : name;
        return rangeVar.TryGetProperty("catalogname", out var catalog) ? $"{catalog.GetString()}.{qualified}" : qualified;
    }

    private static string? AliasName(JsonElement body) =>
        body.TryGetProperty("alias", out var alias) && alias.TryGetProperty("aliasname", out var name) ? name.GetString() : null;

    private static string? FunctionAlias(JsonElement rangeFunction)
    {
        // RangeFunction.functions is a list of [FuncCall, column definitions]; PostgreSQL names the relation after the function.
        if (rangeFunction.TryGetProperty("functions", out var functions))
        {
            foreach (var pair in functions.EnumerateArray())
            {
                var items = pair.TryGetProperty("List", out var list) ? list.GetProperty("items") : pair;
                foreach (var item in items.EnumerateArray())
                {
                    if (item.TryGetProperty("FuncCall", out var call) && call.TryGetProperty("funcname", out var name))
                    {
                        return name.EnumerateArray().Select(StringValue).LastOrDefault();
                    }
                }
            }
        }

        return null;
    }

    internal static string? StringValue(JsonElement node) =>
        node.TryGetProperty("String", out var s) && s.TryGetProperty("sval", out var v) ? v.GetString() : null;
}
