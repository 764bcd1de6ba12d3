using System.Collections.Frozen;
using System.Text.Json;

namespace Airlock.Sql.Analysis;

internal sealed partial class StatementWalker
{
    /// <summary>Fields that hold a statement's target relation, which the statement writes rather than reads.</summary>
    private static readonly FrozenDictionary<string, string[]> TargetFields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["TruncateStmt"] = ["relations"],
        ["LockStmt"] = ["relations"],
        ["CreateStmt"] = ["relation"],
        ["CreateForeignTableStmt"] = ["base"],
        ["AlterTableStmt"] = ["relation"],
        ["IndexStmt"] = ["relation"],
        ["ViewStmt"] = ["view"],
        ["CreateTableAsStmt"] = ["into"],
        ["RefreshMatViewStmt"] = ["relation"],
        ["RenameStmt"] = ["relation"],
        ["CreateTrigStmt"] = ["relation"],
        ["RuleStmt"] = ["relation"],
        ["CreatePolicyStmt"] = ["table"],
        ["AlterPolicyStmt"] = ["table"],
        ["VacuumStmt"] = ["rels"],
        ["ClusterStmt"] = ["relation"],
        ["ReindexStmt"] = ["relation"],
        ["AlterObjectSchemaStmt"] = ["relation"],
        ["AlterOwnerStmt"] = ["relation"],
        ["CreateSeqStmt"] = ["sequence"],
        ["AlterSeqStmt"] = ["sequence"],
        ["GrantStmt"] = ["objects"],
        ["CommentStmt"] = [],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenSet<string> PrivilegeNodes = new[]
    {
        "GrantStmt", "GrantRoleStmt", "CreateRoleStmt", "AlterRoleStmt", "AlterRoleSetStmt", "DropRoleStmt", "ReassignOwnedStmt",
        "DropOwnedStmt", "AlterDefaultPrivilegesStmt", "AlterOwnerStmt", "CreatePolicyStmt", "AlterPolicyStmt",
        "CreateUserMappingStmt", "AlterUserMappingStmt", "DropUserMappingStmt", "SecLabelStmt",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> AdminNodes = new[]
    {
        "AlterSystemStmt", "VacuumStmt", "CheckPointStmt", "LoadStmt", "ClusterStmt", "ReindexStmt", "CreatedbStmt", "DropdbStmt",
        "AlterDatabaseStmt", "AlterDatabaseSetStmt", "AlterDatabaseRefreshCollStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt",
        "AlterTableSpaceOptionsStmt", "AlterTableMoveAllStmt", "CreateEventTrigStmt", "AlterEventTrigStmt", "CreatePublicationStmt",
        "AlterPublicationStmt", "CreateSubscriptionStmt", "AlterSubscriptionStmt", "DropSubscriptionStmt", "CreateFdwStmt",
        "AlterFdwStmt", "CreateForeignServerStmt", "AlterForeignServerStmt", "ImportForeignSchemaStmt", "CreateExtensionStmt",
        "AlterExtensionStmt", "AlterExtensionContentsStmt", "CreatePLangStmt", "CreateAmStmt",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> DdlNodes = new[]
    {
        "CreateStmt", "CreateForeignTableStmt", "AlterTableStmt", "DropStmt", "IndexStmt", "CreateTableAsStmt", "ViewStmt",
        "CreateSeqStmt", "AlterSeqStmt", "CreateFunctionStmt", "AlterFunctionStmt", "RenameStmt", "CommentStmt", "TruncateStmt",
        "CreateSchemaStmt", "AlterObjectSchemaStmt", "CreateTrigStmt", "RuleStmt", "CreateDomainStmt", "AlterDomainStmt",
        "DefineStmt", "CompositeTypeStmt", "CreateEnumStmt", "AlterEnumStmt", "CreateRangeStmt", "RefreshMatViewStmt",
        "CreateCastStmt", "CreateOpClassStmt", "CreateOpFamilyStmt", "AlterOpFamilyStmt", "CreateStatsStmt", "AlterStatsStmt",
        "CreateTransformStmt", "AlterTSDictionaryStmt", "AlterTSConfigurationStmt", "CreateConversionStmt", "AlterCollationStmt",
        "AlterTypeStmt", "AlterOperatorStmt", "AlterObjectDependsStmt",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Settings whose change is an administrative act, not a session preference.</summary>
    private static readonly FrozenSet<string> AdminSettings = new[]
    {
        "session_replication_role", "allow_system_table_mods", "ignore_system_indexes", "zero_damaged_pages", "ignore_checksum_failure",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> ReadOnlySettings = new[]
    {
        "transaction_read_only", "default_transaction_read_only",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The kind a statement node has by itself, before what is inside it raises it.</summary>
    private StatementKind BaseKind(string type, JsonElement node)
    {
        switch (type)
        {
            case "SelectStmt" or "VariableShowStmt" or "FetchStmt" or "ClosePortalStmt" or "DeclareCursorStmt":
                return StatementKind.Read;
            case "InsertStmt" or "UpdateStmt" or "DeleteStmt" or "MergeStmt" or "NotifyStmt":
                return StatementKind.Write;
            case "LockStmt":
                return StatementKind.Write;
            case "ExplainStmt":
                if (ExplainAnalyzes(node))
                {
                    _flags |= SqlFlags.ExplainAnalyze;
                }

                return StatementKind.Read; // EXPLAIN ANALYZE takes the inner statement's kind as the walk finds it
            case "CopyStmt":
                return CopyKind(node);
            case "TransactionStmt":
                return TransactionKind(node);
            case "ConstraintsSetStmt":
                return StatementKind.Transaction; // SET CONSTRAINTS only moves the current transaction's constraint checks
            case "VariableSetStmt":
                return SetKind(node);
            case "DiscardStmt":
                // DISCARD ALL runs RESET ALL, which can turn a read-only session read-write.
                if (node.TryGetProperty("target", out var target) && target.GetString() == "DISCARD_ALL")
                {
                    _flags |= SqlFlags.ReadWriteEscalation;
                    return StatementKind.Write;
                }

                return StatementKind.Session;
            case "ListenStmt" or "UnlistenStmt" or "DeallocateStmt":
                return StatementKind.Session;
            case "DoStmt" or "CallStmt" or "PrepareStmt" or "ExecuteStmt":
                return StatementKind.Procedural;
            case "AlterTableStmt" when ChangesPrivileges(node):
                return StatementKind.Privilege;
            case "RenameStmt" when node.TryGetProperty("renameType", out var renamed) && renamed.GetString() == "OBJECT_ROLE":
                return StatementKind.Privilege; // ALTER ROLE … RENAME TO is role DDL, and renaming a role clears its MD5 password
        }

        if (PrivilegeNodes.Contains(type))
        {
            return StatementKind.Privilege;
        }

        if (AdminNodes.Contains(type))
        {
            return StatementKind.Admin;
        }

        if (DdlNodes.Contains(type))
        {
            return StatementKind.Ddl;
        }

        // A statement this walker does not know is not guessed at.
        return StatementKind.Unknown;
    }

    /// <summary>
    /// ALTER TABLE … OWNER TO and the row-level-security switches change who may see and change the
    /// rows, like ALTER … OWNER (AlterOwnerStmt) and CREATE POLICY; tables take them as ALTER TABLE
    /// subcommands (AlterTableType in parsenodes.h).
    /// </summary>
    private static bool ChangesPrivileges(JsonElement alterTable) =>
        alterTable.TryGetProperty("cmds", out var cmds)
        && cmds.EnumerateArray().Any(c => c.TryGetProperty("AlterTableCmd", out var cmd)
            && cmd.TryGetProperty("subtype", out var subtype)
            && subtype.GetString() is "AT_ChangeOwner" or "AT_EnableRowSecurity" or "AT_DisableRowSecurity" or "AT_ForceRowSecurity" or "AT_NoForceRowSecurity");

    /// <summary>
    /// Whether EXPLAIN runs the statement. PostgreSQL takes the last ANALYZE option and does not reject
    /// repeats (ExplainQuery in explain.c), so <c>EXPLAIN (ANALYZE false, ANALYZE true)</c> runs it: any
    /// ANALYZE that is not plainly false counts.
    /// </summary>
    private static bool ExplainAnalyzes(JsonElement explain)
    {
        if (!explain.TryGetProperty("options", out var options))
        {
            return false;
        }

        foreach (var option in options.EnumerateArray())
        {
            if (option.TryGetProperty("DefElem", out var def) && def.GetProperty("defname").GetString() == "analyze"
                && (!def.TryGetProperty("arg", out var arg) || !IsFalse(arg)))
            {
                return true;
            }
        }

        return false;
    }

    private StatementKind CopyKind(JsonElement copy)
    {
        var program = copy.TryGetProperty("is_program", out var p) && p.GetBoolean();
        if (program || copy.TryGetProperty("filename", out _))
        {
            _flags |= program ? SqlFlags.CopyProgram : SqlFlags.CopyFile;
            return StatementKind.Admin;
        }

        return copy.TryGetProperty("is_from", out var from) && from.GetBoolean() ? StatementKind.Write : StatementKind.Read;
    }

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

        return setting is not null && AdminSettings.Contains(setting) ? StatementKind.Admin : StatementKind.Session;
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
