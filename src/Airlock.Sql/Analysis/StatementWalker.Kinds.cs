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
}
