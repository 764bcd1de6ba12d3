using System.Collections.Frozen;
using System.Text.Json;

namespace Airlock.Sql.Analysis;

/// <summary>Kinds of SET, RESET and transaction statements: what a setting changes decides the kind.</summary>
internal sealed partial class StatementWalker
{
    /// <summary>Settings whose change is an administrative act, not a session preference.</summary>
    private static readonly FrozenSet<string> AdminSettings = new[]
    {
        "session_replication_role", "allow_system_table_mods", "ignore_system_indexes", "zero_damaged_pages", "ignore_checksum_failure",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Settings that make a read-only transaction or session read-write when turned off.</summary>
    private static readonly FrozenSet<string> ReadOnlySettings = new[]
    {
        "transaction_read_only", "default_transaction_read_only",
    }.ToFrozenSet(StringComparer.Ordinal);

    private StatementKind TransactionKind(JsonElement transaction)
    {
        var kind = transaction.TryGetProperty("kind", out var k) ? k.GetString() : null;
        if (kind is "TRANS_STMT_PREPARE" or "TRANS_STMT_COMMIT_PREPARED" or "TRANS_STMT_ROLLBACK_PREPARED")
        {
            return StatementKind.Admin; // two-phase commit leaves transactions holding locks past the session
        }

        if (transaction.TryGetProperty("options", out var options) && SetsReadWrite(options))
        {
            _flags |= SqlFlags.ReadWriteEscalation;
            return StatementKind.Write;
        }

        return StatementKind.Transaction;
    }

    private StatementKind SetKind(JsonElement set)
    {
        var kind = set.TryGetProperty("kind", out var k) ? k.GetString() : null;
        var name = set.TryGetProperty("name", out var n) ? n.GetString() : null;

        // Setting names are case-insensitive (guc_name_compare in guc.c): SET "ROLE" = x is SET ROLE x.
        var setting = name?.ToLowerInvariant();
        if (setting is "role" or "session_authorization")
        {
            _flags |= SqlFlags.RoleChange;
            return StatementKind.Privilege;
        }

        if (setting is "standard_conforming_strings" or "client_encoding")
        {
            return KeepsTextReadable(setting, kind, set) ? StatementKind.Session : StatementKind.Admin;
        }

        if (kind == "VAR_RESET_ALL")
        {
            // RESET ALL restores default_transaction_read_only to the server default: read-write.
            _flags |= SqlFlags.ReadWriteEscalation;
            return StatementKind.Write;
        }

        if (setting is not null && ReadOnlySettings.Contains(setting))
        {
            var args = set.TryGetProperty("args", out var a) ? a : default;
            if (kind is "VAR_RESET" or "VAR_SET_DEFAULT" or "VAR_SET_CURRENT" || args.ValueKind != JsonValueKind.Array || !args.EnumerateArray().All(IsTrue))
            {
                _flags |= SqlFlags.ReadWriteEscalation;
                return StatementKind.Write;
            }

            return StatementKind.Session;
        }

        // SET TRANSACTION … and SET SESSION CHARACTERISTICS … come from the grammar under these exact names.
        if (kind == "VAR_SET_MULTI" && name is "TRANSACTION" or "SESSION CHARACTERISTICS")
        {
            if (set.TryGetProperty("args", out var args) && SetsReadWrite(args))
            {
                _flags |= SqlFlags.ReadWriteEscalation;
                return StatementKind.Write;
            }

            return name == "TRANSACTION" ? StatementKind.Transaction : StatementKind.Session;
        }

        return setting is not null && (AdminSettings.Contains(setting) || HidesActivity(setting)) ? StatementKind.Admin : StatementKind.Session;
    }

    /// <summary>
    /// Settings that decide what the server's own log, pgaudit and pg_stat_activity record of a session
    /// (runtime-config-logging.html, runtime-config-statistics.html): turning them down hides what the
    /// session does from every record but the gateway's, which is not a session preference.
    /// </summary>
    private static bool HidesActivity(string setting) =>
        setting.StartsWith("log_", StringComparison.Ordinal) || setting.StartsWith("pgaudit.", StringComparison.Ordinal) || setting == "track_activities";

    /// <summary>
    /// Whether a change of a setting that decides how the server reads SQL text keeps the reading this
    /// parser assumes: UTF-8 with standard strings. With standard_conforming_strings off a backslash
    /// escapes a quote inside '…' (sql-syntax-lexical.html, 4.1.2.2), and in client encodings such as SJIS
    /// or BIG5 the second byte of a character may be a quote or a backslash (multibyte.html). Either way the
    /// server would run a different statement from the one analyzed: after SET standard_conforming_strings
    /// = off, SELECT 'x\'; -- ' ; DELETE FROM t; --' runs the DELETE. Only the assumed values are session
    /// changes; any other value, RESET and DEFAULT (whatever the session started with) are admin.
    /// </summary>
    private static bool KeepsTextReadable(string setting, string? kind, JsonElement set)
    {
        if (kind != "VAR_SET_VALUE" || !set.TryGetProperty("args", out var args) || args.GetArrayLength() != 1)
        {
            return false;
        }

        return setting == "standard_conforming_strings" ? IsTrue(args[0]) : IsUtf8(args[0]);
    }

    /// <summary>UTF8 as pg_char_to_encoding (encnames.c) reads it: case and punctuation ignored, "unicode" an alias.</summary>
    private static bool IsUtf8(JsonElement value)
    {
        var text = TryUnwrap(value, out var type, out var body) && type == "A_Const" && body.TryGetProperty("sval", out var sval)
            ? sval.GetProperty("sval").GetString()
            : null;
        var letters = new string([.. (text ?? string.Empty).Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant)]);
        return letters is "utf8" or "unicode";
    }

    /// <summary>Whether transaction options include <c>READ WRITE</c> (transaction_read_only = false).</summary>
    private static bool SetsReadWrite(JsonElement options) =>
        options.EnumerateArray().Any(o => o.TryGetProperty("DefElem", out var def)
            && def.GetProperty("defname").GetString() == "transaction_read_only"
            && def.TryGetProperty("arg", out var arg) && !IsTrue(arg));

    /// <summary>
    /// Reads a boolean-ish option value: A_Const integers (an absent ival is 0), strings such as on/off,
    /// true/false, and Boolean nodes. Anything unclear counts as false, the side that fails closed
    /// for the read-only checks that ask.
    /// </summary>
    private static bool IsTrue(JsonElement value)
    {
        if (TryUnwrap(value, out var type, out var body))
        {
            switch (type)
            {
                case "A_Const":
                    if (body.TryGetProperty("ival", out var ival))
                    {
                        return ival.TryGetProperty("ival", out var number) && number.GetInt32() != 0;
                    }

                    if (body.TryGetProperty("boolval", out var boolval))
                    {
                        return boolval.TryGetProperty("boolval", out var b) && b.GetBoolean();
                    }

                    return body.TryGetProperty("sval", out var sval) && IsTrueText(sval.GetProperty("sval").GetString());
                case "String":
                    return IsTrueText(body.GetProperty("sval").GetString());
                case "Integer":
                    return body.TryGetProperty("ival", out var i) && i.GetInt32() != 0;
                case "Boolean":
                    return body.TryGetProperty("boolval", out var bv) && bv.GetBoolean();
                case "TypeCast":
                    return body.TryGetProperty("arg", out var inner) && IsTrue(inner);
            }
        }

        return false;
    }

    private static bool IsTrueText(string? text) => text?.ToLowerInvariant() is "on" or "true" or "yes" or "1" or "t" or "y";

    /// <summary>
    /// Whether an option value is plainly false as defGetBoolean (define.c) reads it: the integer 0, or
    /// false/off in any case. Anything else counts as not false, the side that fails closed for EXPLAIN.
    /// </summary>
    private static bool IsFalse(JsonElement value)
    {
        if (!TryUnwrap(value, out var type, out var body))
        {
            return false;
        }

        return type switch
        {
            "Integer" => !body.TryGetProperty("ival", out var i) || i.GetInt32() == 0,
            "String" => body.TryGetProperty("sval", out var s) && s.GetString()?.ToLowerInvariant() is "false" or "off",
            "Boolean" => !body.TryGetProperty("boolval", out var b) || !b.GetBoolean(),
            _ => false,
        };
    }
}
