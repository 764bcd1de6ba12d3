using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Walks one statement's parse tree (libpg_query's JSON) and collects what it does: the kind, raised by
/// anything dangerous found anywhere inside (a data-modifying CTE, FOR UPDATE, nextval, an admin
/// function); the tables read and written; the functions called; and flags.
/// </summary>
/// <remarks>
/// Table references are scoped the way PostgreSQL scopes CTE names: a non-recursive WITH makes each CTE
/// visible to the CTEs after it and to the main query, a recursive one also to itself. A name that no
/// CTE in scope defines is a table, so <c>WITH t AS (SELECT * FROM t) …</c> still reports the table t.
/// </remarks>
internal sealed partial class StatementWalker
{
    private readonly List<string> _read = [];
    private readonly List<string> _written = [];
    private readonly List<string> _functions = [];
    private StatementKind _kind;
    private SqlFlags _flags;

    /// <summary>Inside a plain EXPLAIN nothing executes, so what is found there does not raise the kind.</summary>
    private int _notExecuted;

    /// <summary>How many CTE definitions enclose the node being visited.</summary>
    private int _inCte;

    private StatementWalker(StatementKind kind) => _kind = kind;

    public static StatementAnalysis Walk(string nodeType, JsonElement node)
    {
        var walker = new StatementWalker(StatementKind.Read);
        walker._kind = walker.BaseKind(nodeType, node);
        walker.VisitNode(nodeType, node, CteScope.Empty);
        walker.CheckActivityColumns(node);
        return new StatementAnalysis
        {
            Kind = walker._kind,
            Command = nodeType,
            TablesRead = walker._read,
            TablesWritten = walker._written,
            Functions = walker._functions,
            Flags = walker._flags,
            HiddenSql = walker._hidden,
            ValueCatalogs = walker._valueCatalogs,
            Setting = SettingChangeOf(nodeType, node),
        };
    }

    private void Raise(StatementKind kind, SqlFlags flags = SqlFlags.None)
    {
        if (_notExecuted > 0)
        {
            return;
        }

        _kind = StatementKinds.Max(_kind, kind);
        _flags |= flags;
    }

    /// <summary>Visits any JSON value: a node wrapper <c>{"SelectStmt": {…}}</c>, a list, or a node body.</summary>
    private void Visit(JsonElement element, CteScope scope)
    {
        // Each level of the tree costs a few frames; on a small thread stack even the JSON depth limit
        // is too deep, and a stack overflow ends the process. The analyzer turns this into an error.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item, scope);
                }

                break;
            case JsonValueKind.Object:
                if (TryUnwrap(element, out var type, out var body))
                {
                    VisitNode(type, body, scope);
                }
                else if (IsBareRangeVar(element))
                {
                    AddTable(element, scope, written: false);
                }
                else
                {
                    VisitFields(element, scope);
                }

                break;
        }
    }

    private void VisitFields(JsonElement body, CteScope scope, string? skip = null)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && property.Name != skip)
            {
                Visit(property.Value, scope);
            }
        }
    }

    private void VisitNode(string type, JsonElement body, CteScope scope)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        // A WITH clause scopes CTE names for the rest of the node.
        if (body.TryGetProperty("withClause", out var with))
        {
            scope = VisitWith(with, scope);
        }

        switch (type)
        {
            case "RangeVar":
                AddTable(body, scope, written: false);
                return;

            case "FuncCall":
                AddFunction(body);
                VisitFieldsExcept(body, scope, "funcname", "withClause");
                return;

            case "SelectStmt":
                if (body.TryGetProperty("lockingClause", out _))
                {
                    Raise(StatementKind.Write, SqlFlags.LockingClause);
                }

                if (body.TryGetProperty("intoClause", out var into))
                {
                    Raise(StatementKind.Ddl, SqlFlags.SelectInto);
                    VisitTargets(into, scope);
                }

                VisitFieldsExcept(body, scope, "intoClause", "withClause");
                return;

            case "InsertStmt" or "UpdateStmt" or "DeleteStmt" or "MergeStmt":
                Raise(StatementKind.Write, _inCte > 0 ? SqlFlags.DataModifyingCte : SqlFlags.None);
                if (type is "UpdateStmt" or "DeleteStmt" && !body.TryGetProperty("whereClause", out _))
                {
                    _flags |= SqlFlags.NoWhere;
                }

                VisitTargets(body.GetProperty("relation"), scope);
                VisitFieldsExcept(body, scope, "relation", "withClause");
                return;

            case "ExplainStmt" when !ExplainAnalyzes(body):
                _notExecuted++;
                VisitFields(body, scope);
                _notExecuted--;
                return;

            case "ExplainStmt":
                // EXPLAIN ANALYZE runs the statement, so it takes that statement's own kind too: CREATE TABLE AS
                // and EXECUTE are explainable (ExplainableStmt in gram.y) and neither raises anything inside.
                if (body.TryGetProperty("query", out var explained) && TryUnwrap(explained, out var innerType, out var inner))
                {
                    Raise(BaseKind(innerType, inner));
                }

                VisitFields(body, scope);
                return;

            case "CopyStmt":
                if (body.TryGetProperty("relation", out var copied))
                {
                    if (body.TryGetProperty("is_from", out var from) && from.GetBoolean())
                    {
                        VisitTargets(copied, scope);
                    }
                    else
                    {
                        Visit(copied, scope);
                    }
                }

                VisitFieldsExcept(body, scope, "relation");
                return;

            case "DropStmt":
                AddDroppedTables(body);
                VisitFieldsExcept(body, scope, "objects");
                return;
        }

        if (TargetFields.TryGetValue(type, out var targets))
        {
            foreach (var property in body.EnumerateObject())
            {
                if (Array.IndexOf(targets, property.Name) >= 0)
                {
                    VisitTargets(property.Value, scope);
                }
                else if (property.Name != "withClause" && property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    Visit(property.Value, scope);
                }
            }

            return;
        }

        VisitFieldsExcept(body, scope, "withClause");
    }

    private void VisitFieldsExcept(JsonElement body, CteScope scope, params ReadOnlySpan<string> skip)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && !skip.Contains(property.Name))
            {
                Visit(property.Value, scope);
            }
        }
    }

    /// <summary>Visits a WITH clause: each CTE's query with the names it may see, and returns the scope for the rest.</summary>
    private CteScope VisitWith(JsonElement with, CteScope scope)
    {
        var recursive = with.TryGetProperty("recursive", out var r) && r.GetBoolean();
        var ctes = with.TryGetProperty("ctes", out var list) ? list.EnumerateArray().Select(c => c.GetProperty("CommonTableExpr")).ToList() : [];
        var names = ctes.Select(c => c.GetProperty("ctename").GetString()!).ToList();
        for (var i = 0; i < ctes.Count; i++)
        {
            var visible = recursive ? scope.With(names) : scope.With(names.Take(i));
            if (ctes[i].TryGetProperty("ctequery", out var query))
            {
                _inCte++;
                Visit(query, visible);
                _inCte--;
            }
        }

        return scope.With(names);
    }

    /// <summary>Visits a statement's target: relations in it are written, not read.</summary>
    private void VisitTargets(JsonElement element, CteScope scope)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    VisitTargets(item, scope);
                }

                break;
            case JsonValueKind.Object when TryUnwrap(element, out var type, out var body):
                if (type == "RangeVar")
                {
                    AddTable(body, scope, written: true);
                }
                else
                {
                    VisitTargets(body, scope);
                }

                break;
            case JsonValueKind.Object when IsBareRangeVar(element):
                AddTable(element, scope, written: true);
                break;
            case JsonValueKind.Object:
                // IntoClause, VacuumRelation and the like carry the relation in a field ("rel", "relation").
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name is "rel" or "relation")
                    {
                        VisitTargets(property.Value, scope);
                    }
                    else if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        Visit(property.Value, scope);
                    }
                }

                break;
        }
    }

    private void AddTable(JsonElement rangeVar, CteScope scope, bool written)
    {
        var name = rangeVar.TryGetProperty("relname", out var rel) ? rel.GetString() : null;
        if (name is null)
        {
            return;
        }

        var schema = rangeVar.TryGetProperty("schemaname", out var s) ? s.GetString() : null;
        if (!written && schema is null && scope.Contains(name))
        {
            return; // a CTE reference, not a table
        }

        var qualified = schema is null ? name : $"{schema}.{name}";
        if (rangeVar.TryGetProperty("catalogname", out var catalog))
        {
            qualified = $"{catalog.GetString()}.{qualified}";
        }

        if (!written)
        {
            CheckValueRelation(name);
        }

        var list = written ? _written : _read;
        if (!list.Contains(qualified, StringComparer.Ordinal))
        {
            list.Add(qualified);
        }
    }

    private void AddDroppedTables(JsonElement drop)
    {
        var removeType = drop.TryGetProperty("removeType", out var t) ? t.GetString() : null;
        if (removeType is not ("OBJECT_TABLE" or "OBJECT_VIEW" or "OBJECT_MATVIEW" or "OBJECT_FOREIGN_TABLE" or "OBJECT_SEQUENCE" or "OBJECT_INDEX")
            || !drop.TryGetProperty("objects", out var objects))
        {
            return;
        }

        foreach (var obj in objects.EnumerateArray())
        {
            if (obj.TryGetProperty("List", out var list) && list.TryGetProperty("items", out var items))
            {
                var name = string.Join('.', items.EnumerateArray().Select(i => i.TryGetProperty("String", out var str) ? str.GetProperty("sval").GetString() : "?"));
                if (!_written.Contains(name, StringComparer.Ordinal))
                {
                    _written.Add(name);
                }
            }
        }
    }

    private void AddFunction(JsonElement funcCall)
    {
        if (!funcCall.TryGetProperty("funcname", out var parts))
        {
            return;
        }

        var names = parts.EnumerateArray().Select(p => p.TryGetProperty("String", out var s) ? s.GetProperty("sval").GetString() ?? "?" : "?").ToList();
        var name = string.Join('.', names);
        if (!_functions.Contains(name, StringComparer.Ordinal))
        {
            _functions.Add(name);
        }

        if (names.Count > 0 && SideEffectFunctions.KindOf(names[^1]) is { } kind)
        {
            Raise(kind, SqlFlags.SideEffectFunction);
        }

        if (names.Count > 0)
        {
            CheckValueFunction(names[^1]);
            AddEmbedded(names[^1], funcCall);
        }
    }

    internal static bool TryUnwrap(JsonElement element, out string type, out JsonElement body)
    {
        using var properties = element.EnumerateObject();
        if (properties.MoveNext())
        {
            var first = properties.Current;
            if (!properties.MoveNext() && first.Name.Length > 0 && char.IsAsciiLetterUpper(first.Name[0]))
            {
                type = first.Name;
                body = first.Value;
                return true;
            }
        }

        type = string.Empty;
        body = default;
        return false;
    }

    internal static bool IsBareRangeVar(JsonElement element) =>
        element.TryGetProperty("relname", out _) && element.TryGetProperty("relpersistence", out _);
}
