using System.Collections.Frozen;

namespace Airlock.Sql.Analysis;

/// <summary>
/// Server functions whose effects reach beyond reading data. A statement that calls one takes its kind,
/// however harmless the statement around it looks (<c>SELECT pg_terminate_backend(…)</c> is admin).
/// docs/sql.md lists them with the reason for each. Names are matched whatever schema qualifies them:
/// extensions such as dblink and adminpack install into any schema (<c>CREATE EXTENSION … SCHEMA</c>), so
/// <c>public.dblink_exec</c> is dblink_exec, and a look-alike elsewhere is taken at its name. Sources: PostgreSQL 15 documentation, "System Administration Functions"
/// (§9.27), "Sequence Manipulation Functions" (§9.17), "Large Objects" (§35.4), dblink (F.12), adminpack.
/// </summary>
internal static class SideEffectFunctions
{
    private static readonly FrozenDictionary<string, StatementKind> Functions = Build();

    /// <summary>The kind a call to the function takes, by its unqualified name as the parser gives it (lower case unless quoted).</summary>
    public static StatementKind? KindOf(string name) => Functions.TryGetValue(name, out var kind) ? kind : null;

    private static FrozenDictionary<string, StatementKind> Build()
    {
        var map = new Dictionary<string, StatementKind>(StringComparer.Ordinal);
        void Add(StatementKind kind, params string[] names)
        {
            foreach (var name in names)
            {
                map[name] = kind;
            }
        }

        // Backend signalling (§9.27.2).
        Add(StatementKind.Admin, "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_log_backend_memory_contexts");

        // Configuration (§9.27.1): set_config can turn a read-only session read-write.
        Add(StatementKind.Admin, "set_config");

        // Server file access (§9.27.9) and adminpack.
        Add(StatementKind.Admin, "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir",
            "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalsnapdir", "pg_ls_logicalmapdir", "pg_ls_replslotdir",
            "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_logdir_ls");

        // Large objects that touch the server's file system (§35.4).
        Add(StatementKind.Admin, "lo_import", "lo_export");

        // dblink (F.12): runs arbitrary SQL on arbitrary servers.
        Add(StatementKind.Admin, "dblink", "dblink_exec", "dblink_connect", "dblink_connect_u", "dblink_send_query", "dblink_open",
            "dblink_fetch", "dblink_close", "dblink_get_result", "dblink_disconnect", "dblink_cancel_query");

        // Advisory locks (§9.27.10): they block other sessions.
        Add(StatementKind.Admin, "pg_advisory_lock", "pg_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared",
            "pg_advisory_unlock_all", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared", "pg_try_advisory_lock",
            "pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared");

        // WAL, backup and replication control (§9.27.3, §9.27.4, §9.27.6).
        Add(StatementKind.Admin, "pg_switch_wal", "pg_create_restore_point", "pg_backup_start", "pg_backup_stop", "pg_start_backup",
            "pg_stop_backup", "pg_wal_replay_pause", "pg_wal_replay_resume", "pg_promote", "pg_create_physical_replication_slot",
            "pg_create_logical_replication_slot", "pg_drop_replication_slot", "pg_copy_physical_replication_slot",
            "pg_copy_logical_replication_slot", "pg_replication_slot_advance", "pg_logical_emit_message",
            "pg_logical_slot_get_changes", "pg_logical_slot_get_binary_changes", "pg_replication_origin_create",
            "pg_replication_origin_drop", "pg_replication_origin_session_setup", "pg_replication_origin_session_reset",
            "pg_replication_origin_xact_setup", "pg_replication_origin_xact_reset", "pg_replication_origin_advance");

        // Index maintenance (§9.27.8) and collation import (§9.27.7) change indexes and catalogs like VACUUM
        // and DDL do, and PostgreSQL lets them run in a read-only transaction.
        Add(StatementKind.Admin, "brin_summarize_new_values", "brin_summarize_range", "brin_desummarize_range", "gin_clean_pending_list",
            "pg_import_system_collations");

        // Statistics resets lose operational history.
        Add(StatementKind.Admin, "pg_stat_reset", "pg_stat_reset_shared", "pg_stat_reset_single_table_counters",
            "pg_stat_reset_single_function_counters", "pg_stat_reset_slru", "pg_stat_reset_replication_slot", "pg_stat_statements_reset");

        // Sequences and large objects change data even inside a SELECT (§9.17, §35.4).
        Add(StatementKind.Write, "nextval", "setval", "lo_create", "lo_creat", "lo_unlink", "lo_put", "lo_from_bytea", "lowrite",
            "lo_truncate", "lo_truncate64", "pg_notify");

        // Functions that run SQL given as text (query_to_xml, ts_stat…) are not here: SqlRunningFunctions lists them,
        // and the statement takes the kind of the SQL they run (EmbeddedSql), or is refused.
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
