using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>Reads what a SET, RESET or DISCARD ALL changes (see <see cref="SettingChange"/>).</summary>
internal sealed partial class StatementWalker
{
    /// <summary>
    /// The settings whose value is kept (the gateway checks these): lexing, encoding, the session's name and
    /// the timeouts policy bounds. Any other value could be a secret (SET my.password = …) and is not kept:
    /// an analysis is output, and holds no literal.
    /// </summary>
    private static readonly FrozenSet<string> ValueKept = new[]
    {
        "standard_conforming_strings", "client_encoding", "application_name", "statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static SettingChange? SettingChangeOf(string type, JsonElement node)
    {
        if (type == "DiscardStmt")
        {
            // DISCARD ALL runs RESET ALL among other things (sql-discard.html).
            return node.TryGetProperty("target", out var target) && target.GetString() == "DISCARD_ALL"
                ? new SettingChange("all", SettingAction.ResetAll, null, Local: false)
                : null;
        }

        if (type != "VariableSetStmt")
        {
            return null;
        }

        var kind = node.TryGetProperty("kind", out var k) ? k.GetString() : null;
        var name = node.TryGetProperty("name", out var n) ? n.GetString()?.ToLowerInvariant() ?? string.Empty : string.Empty;
        var local = node.TryGetProperty("is_local", out var l) && l.ValueKind == JsonValueKind.True;
        var action = kind switch
        {
            "VAR_SET_VALUE" => SettingAction.Set,
            "VAR_SET_DEFAULT" => SettingAction.SetDefault,
            "VAR_SET_CURRENT" => SettingAction.SetCurrent,
            "VAR_RESET" => SettingAction.Reset,
            "VAR_RESET_ALL" => SettingAction.ResetAll,
            _ => SettingAction.Multi,
        };

        if (action == SettingAction.ResetAll)
        {
            name = "all";
        }

        var value = action == SettingAction.Set && ValueKept.Contains(name) && node.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
            ? ConstantsText(args)
            : null;
        return new SettingChange(name, action, value, local);
    }

    /// <summary>The constants of a SET's value list as written, joined with ", "; null when one is not a plain constant.</summary>
    private static string? ConstantsText(JsonElement args)
    {
        var parts = new List<string>();
        foreach (var arg in args.EnumerateArray())
        {
            if (!TryUnwrap(arg, out var type, out var body) || type != "A_Const" || ConstantText(body) is not { } text)
            {
                return null;
            }

            parts.Add(text);
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    /// <summary>An A_Const's value as text: an integer (an absent ival is 0), a float or a string as written, or a boolean.</summary>
    private static string? ConstantText(JsonElement constant)
    {
        if (constant.TryGetProperty("ival", out var ival))
        {
            return (ival.TryGetProperty("ival", out var i) ? i.GetInt32() : 0).ToString(CultureInfo.InvariantCulture);
        }

        if (constant.TryGetProperty("fval", out var fval))
        {
            return fval.TryGetProperty("fval", out var f) ? f.GetString() : null;
        }

        if (constant.TryGetProperty("sval", out var sval))
        {
            return sval.TryGetProperty("sval", out var s) ? s.GetString() ?? string.Empty : string.Empty;
        }

        if (constant.TryGetProperty("boolval", out var boolval))
        {
            return boolval.TryGetProperty("boolval", out var b) && b.GetBoolean() ? "on" : "off";
        }

        return null;
    }
}
