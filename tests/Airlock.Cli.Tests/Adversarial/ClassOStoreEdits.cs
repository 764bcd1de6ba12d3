using System.Text;
using Airlock.Audit;
using Airlock.Cli.Tests.Audit;
using Microsoft.Data.Sqlite;

namespace Airlock.Cli.Tests.Adversarial;

/// <summary>
/// Issue 15, class O: what an attacker with write access to a SQLite store file (but not the signing key) does to
/// it, straight through SQLite: edit a body and recompute every later hash, delete checkpoints and make the head row
/// match, cut the trail back, put NULLs where the schema forbids them.
/// </summary>
internal static class ClassOStoreEdits
{
    public static void Execute(AuditTestStore store, string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = Open(store);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>Replaces event <paramref name="seq"/>'s body and recomputes the hash of it and every later event, and the head row's.</summary>
    public static void RewriteBody(AuditTestStore store, long seq, Func<string, string> edit)
    {
        using var connection = Open(store);
        var rows = new List<(long Seq, byte[] Body)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT seq, body FROM audit_events ORDER BY seq";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                rows.Add((reader.GetInt64(0), (byte[])reader.GetValue(1)));
            }
        }

        using var chain = new AuditChain();
        var previous = new byte[32];
        using var transaction = connection.BeginTransaction();
        foreach (var (rowSeq, original) in rows)
        {
            var body = rowSeq == seq ? Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(original))) : original;
            previous = chain.Next(previous, body);
            using var update = connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE audit_events SET body = $body, hash = $hash WHERE seq = $seq";
            update.Parameters.AddWithValue("$body", body);
            update.Parameters.AddWithValue("$hash", previous);
            update.Parameters.AddWithValue("$seq", rowSeq);
            update.ExecuteNonQuery();
        }

        using (var head = connection.CreateCommand())
        {
            head.Transaction = transaction;
            head.CommandText = "UPDATE audit_head SET hash = $hash";
            head.Parameters.AddWithValue("$hash", previous);
            head.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Deletes the checkpoints after <paramref name="keep"/> and sets the head row's checkpoint fields to match.</summary>
    public static void DeleteCheckpointsAfter(AuditTestStore store, long keep)
    {
        Execute(store, $"DELETE FROM audit_checkpoints WHERE id > {keep}");
        Execute(store, keep == 0
            ? "UPDATE audit_head SET checkpoint_id = 0, checkpoint_seq = 0, checkpoint_time = 0"
            : $"UPDATE audit_head SET (checkpoint_id, checkpoint_seq, checkpoint_time) = (SELECT id, seq, time FROM audit_checkpoints WHERE id = {keep})");
    }

    /// <summary>Cuts the trail back to event <paramref name="seq"/> with a consistent head row.</summary>
    public static void TruncateAfter(AuditTestStore store, long seq)
    {
        Execute(store, $"DELETE FROM audit_events WHERE seq > {seq}");
        Execute(store, $"UPDATE audit_head SET seq = {seq}, hash = (SELECT hash FROM audit_events WHERE seq = {seq})");
    }

    /// <summary>Rebuilds audit_events without its NOT NULL constraints (SQLite cannot drop one), as the owner of the file can.</summary>
    public static void DropEventConstraints(AuditTestStore store) => Execute(store, """
        CREATE TABLE rebuilt (seq INTEGER PRIMARY KEY, time, kind, user_name, resource, decision, session_id, body, hash);
        INSERT INTO rebuilt SELECT * FROM audit_events;
        DROP TABLE audit_events;
        ALTER TABLE rebuilt RENAME TO audit_events;
        """);

    private static SqliteConnection Open(AuditTestStore store)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.StorePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
