using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>The rules for statement kinds, one test per rule.</summary>
public sealed class StatementKindTests
{
    [Theory]
    [InlineData("WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d")]
    [InlineData("WITH i AS (INSERT INTO log VALUES (1) RETURNING 1) SELECT 1")]
    [InlineData("WITH u AS (UPDATE orders SET total = 0 WHERE id = 1 RETURNING *) SELECT count(*) FROM u")]
    [InlineData("WITH a AS (SELECT 1), d AS (DELETE FROM orders WHERE id = 1) SELECT * FROM a")]
    [InlineData("WITH a AS (WITH b AS (WITH c AS (DELETE FROM orders RETURNING *) SELECT * FROM c) SELECT * FROM b) SELECT * FROM a")]
    [InlineData("SELECT * FROM orders WHERE EXISTS (WITH d AS (DELETE FROM orders RETURNING 1) SELECT * FROM d)")]
    public void A_CTE_that_modifies_data_is_a_write(string sql)
    {
        Assert.Equal(StatementKind.Write, Engine.KindOf(sql));
        Assert.Contains("data_modifying_cte", Engine.FlagsOf(sql), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("EXPLAIN ANALYZE SELECT * FROM orders", StatementKind.Read)]
    [InlineData("EXPLAIN ANALYZE DELETE FROM orders", StatementKind.Write)]
    [InlineData("EXPLAIN ANALYZE UPDATE orders SET total = 1 WHERE id = 1", StatementKind.Write)]
    [InlineData("EXPLAIN ANALYZE INSERT INTO orders VALUES (1)", StatementKind.Write)]
    [InlineData("EXPLAIN ANALYZE SELECT * FROM orders FOR UPDATE", StatementKind.Write)]
    [InlineData("EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1", StatementKind.Ddl)]
    [InlineData("EXPLAIN ANALYZE SELECT 1 INTO x", StatementKind.Ddl)]
    [InlineData("EXPLAIN ANALYZE EXECUTE q", StatementKind.Procedural)]
    [InlineData("EXPLAIN ANALYZE SELECT pg_terminate_backend(1)", StatementKind.Admin)]
    [InlineData("EXPLAIN (ANALYZE false, ANALYZE true) DELETE FROM orders", StatementKind.Write)]
    [InlineData("EXPLAIN (ANALYZE 'yes') DELETE FROM orders", StatementKind.Write)]
    public void EXPLAIN_ANALYZE_takes_the_kind_of_the_statement_it_runs(string sql, StatementKind kind)
    {
        Assert.Equal(kind, Engine.KindOf(sql));
        Assert.Contains("explain_analyze", Engine.FlagsOf(sql), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("EXPLAIN DELETE FROM orders")]
    [InlineData("EXPLAIN VERBOSE INSERT INTO orders VALUES (nextval('s'))")]
    [InlineData("EXPLAIN (ANALYZE false) DELETE FROM orders")]
    [InlineData("EXPLAIN (ANALYZE off) DELETE FROM orders")]
    [InlineData("EXPLAIN (ANALYZE 0) DELETE FROM orders")]
    [InlineData("EXPLAIN (FORMAT yaml) CREATE TABLE x AS SELECT 1")]
    [InlineData("EXPLAIN SELECT * FROM orders FOR UPDATE")]
    [InlineData("EXPLAIN EXECUTE q")]
    [InlineData("EXPLAIN WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d")]
    public void Plain_EXPLAIN_is_a_read(string sql)
    {
        Assert.Equal(StatementKind.Read, Engine.KindOf(sql));
        Assert.DoesNotContain("explain_analyze", Engine.FlagsOf(sql), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("SELECT * FROM orders FOR UPDATE")]
    [InlineData("SELECT * FROM orders FOR NO KEY UPDATE")]
    [InlineData("SELECT * FROM orders FOR SHARE")]
    [InlineData("SELECT * FROM orders FOR KEY SHARE")]
    [InlineData("SELECT * FROM (SELECT * FROM orders FOR UPDATE SKIP LOCKED) s")]
    [InlineData("LOCK TABLE orders")]
    [InlineData("LOCK TABLE orders IN ACCESS SHARE MODE")]
    [InlineData("SELECT nextval('order_seq')")]
    [InlineData("SELECT setval('order_seq', 42)")]
    [InlineData("SELECT setval('order_seq', 42, false) FROM orders")]
    public void Locks_and_sequence_changes_are_writes(string sql) =>
        Assert.Equal(StatementKind.Write, Engine.KindOf(sql));

    [Theory]
    [InlineData("SELECT * INTO backup FROM orders")]
    [InlineData("SELECT * INTO TEMPORARY scratch FROM orders")]
    [InlineData("SELECT * INTO UNLOGGED scratch FROM orders")]
    [InlineData("CREATE TABLE backup AS SELECT * FROM orders")]
    [InlineData("CREATE TABLE IF NOT EXISTS backup AS TABLE orders")]
    [InlineData("CREATE MATERIALIZED VIEW mv AS SELECT * FROM orders")]
    [InlineData("WITH x AS (SELECT 1) SELECT * INTO backup FROM x")]
    public void SELECT_INTO_and_CREATE_TABLE_AS_are_not_reads(string sql)
    {
        var kind = Engine.KindOf(sql);
        Assert.NotEqual(StatementKind.Read, kind);
        Assert.Equal(StatementKind.Ddl, kind);
    }

    [Theory]
    [InlineData("COPY orders TO STDOUT", StatementKind.Read)]
    [InlineData("COPY (SELECT * FROM orders) TO STDOUT", StatementKind.Read)]
    [InlineData("COPY orders FROM STDIN", StatementKind.Write)]
    [InlineData("COPY (DELETE FROM orders RETURNING *) TO STDOUT", StatementKind.Write)]
    [InlineData("COPY orders TO '/tmp/orders'", StatementKind.Admin)]
    [InlineData("COPY orders FROM '/tmp/orders'", StatementKind.Admin)]
    [InlineData("COPY orders TO PROGRAM 'cat'", StatementKind.Admin)]
    [InlineData("COPY orders FROM PROGRAM 'cat /etc/passwd'", StatementKind.Admin)]
    [InlineData("COPY (SELECT 1) TO '/tmp/one'", StatementKind.Admin)]
    public void COPY_to_the_client_is_read_or_write_and_to_the_server_is_admin(string sql, StatementKind kind) =>
        Assert.Equal(kind, Engine.KindOf(sql));

    /// <summary>The server functions the issue names, and the families it names (advisory locks, WAL and replication control).</summary>
    [Theory]
    [InlineData("pg_terminate_backend(1)")]
    [InlineData("pg_cancel_backend(1)")]
    [InlineData("set_config('work_mem', '1GB', false)")]
    [InlineData("pg_reload_conf()")]
    [InlineData("pg_read_file('/etc/passwd')")]
    [InlineData("pg_ls_dir('/')")]
    [InlineData("lo_import('/etc/passwd')")]
    [InlineData("lo_export(1, '/tmp/x')")]
    [InlineData("dblink_connect('dbname=x')")]
    [InlineData("pg_advisory_lock(1)")]
    [InlineData("pg_advisory_xact_lock(1)")]
    [InlineData("pg_try_advisory_lock(1)")]
    [InlineData("pg_advisory_unlock_all()")]
    [InlineData("pg_switch_wal()")]
    [InlineData("pg_backup_start('x')")]
    [InlineData("pg_wal_replay_pause()")]
    [InlineData("pg_promote()")]
    [InlineData("pg_create_logical_replication_slot('s', 'pgoutput')")]
    [InlineData("pg_drop_replication_slot('s')")]
    [InlineData("brin_summarize_new_values('orders_brin')")]
    [InlineData("gin_clean_pending_list('orders_gin')")]
    [InlineData("pg_import_system_collations('public')")]
    public void Server_functions_with_effects_beyond_data_are_admin(string call)
    {
        foreach (var sql in new[]
        {
            $"SELECT {call}",
            $"SELECT pg_catalog.{call}",
            $"SELECT public.{call}",
            $"SELECT * FROM orders WHERE {call} IS NOT NULL",
            $"SELECT (SELECT {call})",
            $"WITH x AS (SELECT {call}) SELECT 1",
        })
        {
            Assert.True(Engine.KindOf(sql) == StatementKind.Admin, sql);
            Assert.Contains("side_effect_function", Engine.FlagsOf(sql), StringComparer.Ordinal);
        }
    }

    /// <summary>dblink's SQL-running calls are admin, and since the SQL they run is hidden (class A) they are unknown, which ranks above admin.</summary>
    [Theory]
    [InlineData("dblink('dbname=x', 'SELECT 1')")]
    [InlineData("dblink_exec('dbname=x', 'DELETE FROM orders')")]
    public void Dblink_calls_that_run_SQL_are_admin_and_hidden(string call)
    {
        foreach (var sql in new[] { $"SELECT {call}", $"SELECT public.{call}", $"WITH x AS (SELECT {call}) SELECT 1" })
        {
            Assert.True(Engine.KindOf(sql) == StatementKind.Unknown, sql);
            Assert.Contains("side_effect_function", Engine.FlagsOf(sql), StringComparer.Ordinal);
            Assert.Contains("hidden_sql", Engine.FlagsOf(sql), StringComparer.Ordinal);
        }
    }

    [Theory]
    [InlineData("ALTER SYSTEM SET work_mem = '1GB'")]
    [InlineData("ALTER SYSTEM RESET ALL")]
    [InlineData("VACUUM")]
    [InlineData("VACUUM FULL orders")]
    [InlineData("ANALYZE orders")]
    [InlineData("CHECKPOINT")]
    [InlineData("LOAD 'plugin'")]
    public void ALTER_SYSTEM_VACUUM_CHECKPOINT_and_LOAD_are_admin(string sql) =>
        Assert.Equal(StatementKind.Admin, Engine.KindOf(sql));

    [Theory]
    [InlineData("SET session_replication_role = replica")]
    [InlineData("SET log_statement = 'none'")]
    [InlineData("SET LOCAL log_min_duration_statement = -1")]
    [InlineData("SET \"pgaudit.log\" = 'none'")]
    [InlineData("SET pgaudit.log TO 'none'")]
    [InlineData("SET track_activities = off")]
    public void Settings_that_disable_safeguards_or_hide_activity_are_admin(string sql) =>
        Assert.Equal(StatementKind.Admin, Engine.KindOf(sql));

    [Theory]
    [InlineData("GRANT SELECT ON orders TO analyst")]
    [InlineData("GRANT USAGE ON SCHEMA s TO analyst WITH GRANT OPTION")]
    [InlineData("REVOKE SELECT ON orders FROM analyst")]
    [InlineData("GRANT admin TO analyst")]
    [InlineData("CREATE ROLE r")]
    [InlineData("CREATE USER u")]
    [InlineData("CREATE GROUP g")]
    [InlineData("ALTER ROLE r CREATEROLE")]
    [InlineData("ALTER USER u RENAME TO v")]
    [InlineData("ALTER GROUP g ADD USER u")]
    [InlineData("ALTER ROLE r IN DATABASE d SET search_path = x")]
    [InlineData("DROP GROUP IF EXISTS g")]
    [InlineData("DROP ROLE r")]
    [InlineData("SET ROLE admin")]
    [InlineData("RESET ROLE")]
    [InlineData("SET SESSION AUTHORIZATION admin")]
    [InlineData("RESET SESSION AUTHORIZATION")]
    [InlineData("SET \"Role\" TO admin")]
    [InlineData("SET SESSION \"SESSION_AUTHORIZATION\" TO admin")]
    public void GRANT_REVOKE_role_DDL_and_role_changes_are_privilege(string sql) =>
        Assert.Equal(StatementKind.Privilege, Engine.KindOf(sql));

    [Theory]
    [InlineData("DO $$ BEGIN END $$")]
    [InlineData("DO $$ BEGIN PERFORM 1; END $$")]
    [InlineData("CALL p()")]
    [InlineData("PREPARE q AS SELECT 1")]
    [InlineData("EXECUTE q")]
    public void DO_CALL_PREPARE_and_EXECUTE_are_procedural_and_never_a_read(string sql) =>
        Assert.Equal(StatementKind.Procedural, Engine.KindOf(sql));

    [Theory]
    [InlineData("SELEC 1")]
    [InlineData("SELECT FROM WHERE")]
    [InlineData("SELECT 1 +")]
    [InlineData("SELECT 'a")]
    [InlineData("SELECT 1; SELECT FROM WHERE")]
    [InlineData("SELECT 1\0")]
    public void What_fails_to_parse_is_unknown_with_no_statements(string sql)
    {
        var analysis = Engine.Analyze(sql);
        Assert.Equal(StatementKind.Unknown, analysis.Kind);
        Assert.NotNull(analysis.Error);
        Assert.Empty(analysis.Statements);
    }

    [Theory]
    [InlineData("SELECT 1; DELETE FROM orders", StatementKind.Write)]
    [InlineData("DELETE FROM orders; SELECT 1", StatementKind.Write)]
    [InlineData("BEGIN; DELETE FROM orders; COMMIT", StatementKind.Write)]
    [InlineData("SELECT 1; CREATE TABLE t (a int); GRANT SELECT ON t TO x", StatementKind.Privilege)]
    [InlineData("SET ROLE x; CHECKPOINT", StatementKind.Admin)]
    [InlineData("CHECKPOINT; DO $$ BEGIN END $$", StatementKind.Admin)]
    [InlineData("SELECT 1; SET search_path = x", StatementKind.Session)]
    [InlineData("BEGIN; SELECT 1", StatementKind.Transaction)]
    public void A_string_of_statements_takes_the_most_dangerous_kind(string sql, StatementKind kind)
    {
        var analysis = Engine.Analyze(sql);
        Assert.Equal(kind, analysis.Kind);
        Assert.Contains(analysis.Statements, s => s.Kind == kind);
        Assert.All(analysis.Statements, s => Assert.True(s.Kind.Danger() <= kind.Danger()));
    }

    [Fact]
    public void Danger_order_puts_unknown_above_everything_and_read_below_everything()
    {
        var ordered = StatementKinds.All.OrderBy(k => k.Danger()).ToList();
        Assert.Equal(StatementKind.Read, ordered[0]);
        Assert.Equal(StatementKind.Unknown, ordered[^1]);
        Assert.Equal(StatementKinds.All.Count, StatementKinds.All.Select(k => k.Danger()).Distinct().Count());
        Assert.All(StatementKinds.All, k => Assert.Equal(k, StatementKinds.Max(k, StatementKind.Read)));
        Assert.All(StatementKinds.All, k => Assert.Equal(StatementKind.Unknown, StatementKinds.Max(StatementKind.Unknown, k)));
    }

    [Fact]
    public void Each_statement_keeps_its_own_kind_and_command()
    {
        var analysis = Engine.Analyze("SELECT 1; UPDATE orders SET a = 1 WHERE id = 2; GRANT SELECT ON orders TO x");
        Assert.Equal([StatementKind.Read, StatementKind.Write, StatementKind.Privilege], analysis.Statements.Select(s => s.Kind));
        Assert.Equal(["SelectStmt", "UpdateStmt", "GrantStmt"], analysis.Statements.Select(s => s.Command), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    [InlineData("-- only a comment")]
    [InlineData("/* only a comment */")]
    [InlineData(";")]
    public void Text_with_no_statement_has_none_and_does_nothing(string sql)
    {
        // PostgreSQL answers such a query with EmptyQueryResponse: nothing runs.
        var analysis = Engine.Analyze(sql);
        Assert.Null(analysis.Error);
        Assert.Empty(analysis.Statements);
        Assert.Equal(StatementKind.Read, analysis.Kind);
    }
}
