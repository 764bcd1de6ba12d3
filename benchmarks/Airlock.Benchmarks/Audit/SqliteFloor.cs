using System.Diagnostics;
using System.Globalization;
using Airlock.Audit;
using Airlock.Store;
using Microsoft.Data.Sqlite;

namespace Airlock.Benchmarks.Audit;

/// <summary>
/// <c>--sqlite-floor [TRANSACTIONS_OF_1] [TRANSACTIONS_OF_64]</c>: what SQLite itself costs for the audit
/// append transaction, without the trail. A store is created through <see cref="StoreFactory"/> (so the
/// tables are the real ones), closed, and the file is then written directly with Microsoft.Data.Sqlite, the
/// way the store's append does it: BEGIN IMMEDIATE, read the head row, insert the rows with one prepared
/// command, update the head row, COMMIT, in WAL mode with <c>synchronous=NORMAL</c> (crash) or <c>FULL</c>
/// (power). Each variant sets its own secondary indexes on audit_events (whatever the schema has is
/// dropped first) and changes one thing at a time: the head commands created per transaction (as the store
/// did up to commit 8ea11c7) or prepared once, the three indexes of the first schema (time, user, resource)
/// or none, automatic WAL checkpoints on or off. Bodies are real canonical event bodies (589 bytes).
/// </summary>
internal static class SqliteFloor
{
    private static readonly (string Name, bool ReuseHead, bool Indexes, bool AutoCheckpoint, string Sync)[] Variants =
    [
        ("per-tx head commands, 3 indexes", false, true, true, "NORMAL"),
        ("prepared head, 3 indexes", true, true, true, "NORMAL"),
        ("prepared head, no secondary indexes", true, false, true, "NORMAL"),
        ("prepared head, 3 indexes, no autockpt", true, true, false, "NORMAL"),
        ("per-tx head commands, 3 indexes, FULL", false, true, true, "FULL"),
        ("prepared head, no indexes, FULL", true, false, true, "FULL"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var singles = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8000;
        var batches = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600;
        var time = DateTimeOffset.UtcNow;
        var bodies = AuditSample.Events.Select((e, i) => AuditEventJson.Serialize(e with { Time = time }, i + 1, Guid.CreateVersion7(time))).ToArray();
        Console.WriteLine($"{"variant",-40} {"rows/tx",7} {"txs",6} {"median µs/tx",12} {"median µs/row",13} {"mean µs/row",11} {"p99 µs/tx",10}");
        foreach (var variant in Variants)
        {
            foreach (var (rows, count) in new[] { (1, singles), (64, batches) })
            {
                // A power-mode commit of one row waits for an fsync: fewer of them give the median as well.
                var transactions = variant.Sync == "FULL" && rows == 1 ? Math.Min(count, 2000) : count;

                var (median, meanPerRow, p99) = await RunVariantAsync(variant.ReuseHead, variant.Indexes, variant.AutoCheckpoint, variant.Sync, rows, transactions, bodies);
                Console.WriteLine($"{variant.Name,-40} {rows,7} {transactions,6} {median,12:F1} {median / rows,13:F1} {meanPerRow,11:F1} {p99,10:F0}");
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"RESULT kind=sqlite-floor variant=\"{variant.Name}\" rows_per_tx={rows} txs={transactions} median_tx_us={median:F1} median_row_us={median / rows:F1} mean_row_us={meanPerRow:F1} p99_tx_us={p99:F0}"));
            }
        }

        return 0;
    }

    private static async Task<(double Median, double MeanPerRow, double P99)> RunVariantAsync(bool reuseHead, bool indexes, bool autoCheckpoint, string sync, int rows, int transactions, byte[][] bodies)
    {
        var directory = Directory.CreateTempSubdirectory("airlock-sqlite-floor-").FullName;
        try
        {
            var path = Path.Combine(directory, "audit.db");
            var store = await StoreFactory.OpenAsync(new StoreOptions { Location = StoreLocation.Sqlite(path) });
            await store.DisposeAsync();
            return Measure(path, reuseHead, indexes, autoCheckpoint, sync, rows, transactions, bodies);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Synchronous on purpose: Microsoft.Data.Sqlite's async methods run synchronously anyway, and the store's awaits complete at once.</summary>
    private static (double Median, double MeanPerRow, double P99) Measure(string path, bool reuseHead, bool indexes, bool autoCheckpoint, string sync, int rows, int transactions, byte[][] bodies)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;");
        foreach (var index in SecondaryIndexes(connection))
        {
            Execute(connection, $"DROP INDEX \"{index}\"");
        }

        if (indexes)
        {
            Execute(connection, "CREATE INDEX audit_events_time ON audit_events (time); CREATE INDEX audit_events_user ON audit_events (user_name, seq); CREATE INDEX audit_events_resource ON audit_events (resource, seq);");
        }

        if (!autoCheckpoint)
        {
            Execute(connection, "PRAGMA wal_autocheckpoint = 0;");
        }

        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO audit_events (seq, time, kind, user_name, resource, decision, session_id, body, hash) VALUES ($seq, $time, $kind, $user, $resource, $decision, $session, $body, $hash)";
        foreach (var name in (string[])["$seq", "$time", "$kind", "$user", "$resource", "$decision", "$session", "$body", "$hash"])
        {
            insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        using var readHead = connection.CreateCommand();
        readHead.CommandText = "SELECT seq, hash, checkpoint_id, checkpoint_seq, checkpoint_time FROM audit_head WHERE id = 1";
        using var updateHead = connection.CreateCommand();
        updateHead.CommandText = "UPDATE audit_head SET seq = @seq, hash = @hash, checkpoint_id = @cid, checkpoint_seq = @cseq, checkpoint_time = @ctime WHERE id = 1";
        foreach (var name in (string[])["@seq", "@hash", "@cid", "@cseq", "@ctime"])
        {
            updateHead.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        var hash = new byte[AuditChainHead.HashLength];
        var timeMicros = UnixMicros.From(DateTimeOffset.UtcNow);
        var perTransaction = new double[transactions];
        long seq = 0;
        var clock = Stopwatch.StartNew();
        for (var t = 0; t < transactions; t++)
        {
            var start = Stopwatch.GetTimestamp();
            using (var transaction = connection.BeginTransaction(deferred: false))
            {
                if (reuseHead)
                {
                    readHead.Transaction = transaction;
                    using var reader = readHead.ExecuteReader();
                    reader.Read();
                    seq = reader.GetInt64(0);
                }
                else
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = readHead.CommandText;
                    using var reader = command.ExecuteReader();
                    reader.Read();
                    seq = reader.GetInt64(0);
                }

                insert.Transaction = transaction;
                for (var i = 0; i < rows; i++)
                {
                    seq++;
                    var e = AuditSample.Events[(int)(seq & 63)];
                    var p = insert.Parameters;
                    p[0].Value = seq;
                    p[1].Value = timeMicros + seq;
                    p[2].Value = e.Kind;
                    p[3].Value = e.User;
                    p[4].Value = e.Resource;
                    p[5].Value = e.Decision;
                    p[6].Value = e.SessionId;
                    p[7].Value = bodies[seq & 63];
                    p[8].Value = hash;
                    insert.ExecuteNonQuery();
                }

                if (reuseHead)
                {
                    updateHead.Transaction = transaction;
                    SetHead(updateHead, seq, hash);
                    updateHead.ExecuteNonQuery();
                }
                else
                {
                    using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = updateHead.CommandText;
                    foreach (var name in (string[])["@seq", "@hash", "@cid", "@cseq", "@ctime"])
                    {
                        command.Parameters.Add(new SqliteParameter { ParameterName = name });
                    }

                    SetHead(command, seq, hash);
                    command.ExecuteNonQuery();
                }

                transaction.Commit();
            }

            perTransaction[t] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        var elapsed = clock.Elapsed;
        Array.Sort(perTransaction);
        return (perTransaction[transactions / 2], elapsed.TotalMicroseconds / (transactions * (double)rows), perTransaction[Math.Min(transactions - 1, (int)(transactions * 0.99))]);
    }

    private static void SetHead(SqliteCommand command, long seq, byte[] hash)
    {
        command.Parameters[0].Value = seq;
        command.Parameters[1].Value = hash;
        command.Parameters[2].Value = 0L;
        command.Parameters[3].Value = 0L;
        command.Parameters[4].Value = 0L;
    }

    private static List<string> SecondaryIndexes(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
