using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>What a statement does to a cursor (a named portal), so the gateway can follow cursors across statements.</summary>
public enum CursorAction
{
    /// <summary><c>DECLARE name CURSOR … FOR query</c>: the query's rows come later, through FETCH.</summary>
    Declare,

    /// <summary><c>FETCH … FROM name</c>: returns rows of the cursor's query.</summary>
    Fetch,

    /// <summary><c>MOVE … IN name</c>: moves the cursor, returns no rows.</summary>
    Move,

    /// <summary><c>CLOSE name</c>.</summary>
    Close,

    /// <summary><c>CLOSE ALL</c>, and <c>DISCARD ALL</c> (which runs it: DiscardAll in discard.c).</summary>
    CloseAll,
}

/// <summary>
/// A statement's cursor operation. <see cref="Name"/> is the portal name as the server looks it up: the
/// parser has already folded it (unquoted lower-cased, quoted kept exactly), so it compares ordinally with
/// the names of protocol-level portals too, which share one namespace with cursors (portalmem.c).
/// </summary>
public sealed record CursorStatement(CursorAction Action, string? Name, bool Hold = false, bool Binary = false)
{
    // CURSOR_OPT_* in src/include/nodes/parsenodes.h (PostgreSQL 15).
    private const int OptBinary = 0x0001;
    private const int OptHold = 0x0020;

    /// <summary>The cursor operation of a statement node (libpg_query's JSON), or null for any other statement.</summary>
    internal static CursorStatement? From(string type, JsonElement node)
    {
        switch (type)
        {
            case "DeclareCursorStmt":
                var options = node.TryGetProperty("options", out var o) && o.ValueKind == JsonValueKind.Number ? o.GetInt32() : 0;
                return new CursorStatement(CursorAction.Declare, NameOf(node), (options & OptHold) != 0, (options & OptBinary) != 0);
            case "FetchStmt":
                var move = node.TryGetProperty("ismove", out var m) && m.ValueKind == JsonValueKind.True;
                return new CursorStatement(move ? CursorAction.Move : CursorAction.Fetch, NameOf(node));
            case "ClosePortalStmt":
                // CLOSE ALL has no name (a null portalname in gram.y).
                return NameOf(node) is { } closed ? new CursorStatement(CursorAction.Close, closed) : new CursorStatement(CursorAction.CloseAll, null);
            case "DiscardStmt" when node.TryGetProperty("target", out var target) && target.GetString() == "DISCARD_ALL":
                return new CursorStatement(CursorAction.CloseAll, null);
            default:
                return null;
        }
    }

    private static string? NameOf(JsonElement node) =>
        node.TryGetProperty("portalname", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
}
