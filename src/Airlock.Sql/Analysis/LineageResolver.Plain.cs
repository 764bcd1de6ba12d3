using System.Text.Json;

namespace Airlock.Sql.Analysis;

// What counts as a written-out guess in a whole comparison, and which output values are direct.
internal sealed partial class LineageResolver
{
    /// <summary>
    /// A written-out guess: a constant, a parameter, a plain column, or a list or row of them; an expression
    /// with no column and no subquery in it is one value too. A subquery is plain when each of its columns is.
    /// </summary>
    private bool IsPlain(JsonElement element, Scope scope, CteColumns ctes)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            return element.EnumerateArray().All(e => IsPlain(e, scope, ctes));
        }

        if (element.ValueKind != JsonValueKind.Object || !StatementWalker.TryUnwrap(element, out var type, out var body))
        {
            return element.ValueKind != JsonValueKind.Object || !ReadsAnything(element);
        }

        switch (type)
        {
            case "A_Const" or "ParamRef":
                return true;
            case "ColumnRef":
                return ResolveReference(body, scope) is var reference && (reference.Direct || reference.WholeRow);
            case "TypeCast" when body.TryGetProperty("arg", out var arg):
                return (IsTransparentCast(body) || !ReadsAnything(arg)) && IsPlain(arg, scope, ctes);
            case "List":
                return body.TryGetProperty("items", out var items) && IsPlain(items, scope, ctes);
            case "A_ArrayExpr" or "RowExpr":
                return !body.TryGetProperty(type == "RowExpr" ? "args" : "elements", out var elements) || IsPlain(elements, scope, ctes);
            case "SubLink" when body.TryGetProperty("subselect", out var sub) && StatementWalker.TryUnwrap(sub, out _, out var select):
                return Select(select, ctes, scope).All(c => c.Direct);
            default:
                return !ReadsAnything(element);
        }
    }

    /// <summary>Whether an expression reads a column or a subquery anywhere inside.</summary>
    private static bool ReadsAnything(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => element.EnumerateArray().Any(ReadsAnything),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name is "ColumnRef" or "SubLink" or "SelectStmt" || ReadsAnything(p.Value)),
        _ => false,
    };

    /// <summary>The value of a column of a text type is the same value cast to text or varchar (no length).</summary>
    private static bool IsTransparentCast(JsonElement typeCast) =>
        typeCast.TryGetProperty("typeName", out var typeName)
        && !typeName.TryGetProperty("typmods", out _)
        && !typeName.TryGetProperty("arrayBounds", out _)
        && typeName.TryGetProperty("names", out var names)
        && names.EnumerateArray().Select(StringValue).ToList() is var parts
        && (parts.Count == 1 || (parts.Count == 2 && parts[0] == "pg_catalog"))
        && parts[^1] is "text" or "varchar";

    /// <summary>An output value that is a source column's value unchanged, or a constant (<see cref="OutputColumn.Direct"/>).</summary>
    private static bool IsDirect(JsonElement value, Scope scope)
    {
        while (StatementWalker.TryUnwrap(value, out var cast, out var body) && cast == "TypeCast" && body.TryGetProperty("arg", out var arg))
        {
            if (!ReadsAnything(arg))
            {
                return true; // a constant of any type
            }

            if (!IsTransparentCast(body))
            {
                return false;
            }

            value = arg;
        }

        if (!StatementWalker.TryUnwrap(value, out var type, out var node))
        {
            return false;
        }

        return type switch
        {
            "A_Const" or "ParamRef" => true,
            "ColumnRef" => !IsStar(node, out _) && ResolveReference(node, scope).Direct,
            _ => false,
        };
    }

    private HashSet<string> Sources(JsonElement element, Scope scope, CteColumns ctes) =>
        element.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? Expression(element, scope, ctes) : [];

    private static string Describe(string nodeType) => nodeType switch
    {
        "MinMaxExpr" => "GREATEST or LEAST",
        "A_Indirection" => "a subscript or field selection",
        "XmlExpr" or "XmlSerialize" => "an XML function",
        _ => $"an expression ({nodeType})",
    };
}
