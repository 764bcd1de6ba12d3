using System.Data.Common;
using System.Globalization;
using System.Text;
using Airlock.Audit.Tests.Support;
using Airlock.Store;

namespace Airlock.Audit.Tests.Tamper;

/// <summary>
/// What a careful attacker with write access to the database (but not the signing key) would do: change
/// the rows, then recompute every hash after the change and fix the head row, so that the chain alone
/// looks intact.
/// </summary>
internal static class TamperKit
{
    public sealed record Row(long Seq, long Time, string Kind, string? User, string? Resource, string? Decision, string? Session, byte[] Body, byte[] Hash)
    {
        public string BodyText => Encoding.UTF8.GetString(Body);

        public Row WithBody(string text) => this with { Body = Encoding.UTF8.GetBytes(text) };

        public Row Renumbered(long seq) => WithBody(BodyText.Replace($"\"seq\":{Seq},", $"\"seq\":{seq},", StringComparison.Ordinal)) with { Seq = seq };
    }

    public static async Task<List<Row>> ReadAllAsync(StoreHarness harness)
    {
        await using var connection = await harness.OpenDirectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, time, kind, user_name, resource, decision, session_id, body, hash FROM audit_events ORDER BY seq";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(
                reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), Nullable(reader, 3), Nullable(reader, 4), Nullable(reader, 5), Nullable(reader, 6),
                await reader.GetFieldValueAsync<byte[]>(7), await reader.GetFieldValueAsync<byte[]>(8)));
        }

        return rows;
    }

    /// <summary>Replaces the whole trail with <paramref name="rows"/>, hashes recomputed in order, and fixes the head row.</summary>
    public static async Task RewriteAsync(StoreHarness harness, IReadOnlyList<Row> rows, AuditSigningKey? resignWith = null, string? claimedKeyId = null)
    {
        using var chain = new AuditChain();
        var previous = new byte[32];
        var rehashed = new List<Row>();
        foreach (var row in rows)
        {
            var hash = chain.Next(previous, row.Body);
            rehashed.Add(row with { Hash = hash });
            previous = hash;
        }

        await using var connection = await harness.OpenDirectAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await Exec(connection, transaction, "DELETE FROM audit_events");
        foreach (var row in rehashed)
        {
            await Exec(
                connection,
                transaction,
                "INSERT INTO audit_events (seq, time, kind, user_name, resource, decision, session_id, body, hash) VALUES (@seq, @time, @kind, @user, @resource, @decision, @session, @body, @hash)",
                ("@seq", row.Seq), ("@time", row.Time), ("@kind", row.Kind), ("@user", row.User), ("@resource", row.Resource), ("@decision", row.Decision), ("@session", row.Session), ("@body", row.Body), ("@hash", row.Hash));
        }

        await Exec(connection, transaction, "UPDATE audit_head SET seq = @seq, hash = @hash", ("@seq", rehashed[^1].Seq), ("@hash", rehashed[^1].Hash));
        if (resignWith is not null)
        {
            var checkpoints = new List<(long Id, long Seq, long Time)>();
            await using (var read = Command(connection, transaction, "SELECT id, seq, time FROM audit_checkpoints ORDER BY id"))
            await using (var reader = await read.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    checkpoints.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
                }
            }

            foreach (var (id, seq, time) in checkpoints)
            {
                var head = rehashed.Single(r => r.Seq == seq).Hash;
                var signed = resignWith.SignCheckpoint(id, seq, head, time);
                var keyId = claimedKeyId ?? signed.KeyId;
                await Exec(connection, transaction, "UPDATE audit_checkpoints SET head_hash = @hash, key_id = @key, signature = @sig WHERE id = @id", ("@hash", head), ("@key", keyId), ("@sig", signed.Signature), ("@id", id));
            }
        }

        await transaction.CommitAsync();
    }

    public static async Task<List<long>> CheckpointSeqsAsync(StoreHarness harness)
    {
        await using var connection = await harness.OpenDirectAsync();
        await using var command = Command(connection, null, "SELECT seq FROM audit_checkpoints ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync();
        var seqs = new List<long>();
        while (await reader.ReadAsync())
        {
            seqs.Add(reader.GetInt64(0));
        }

        return seqs;
    }

    private static async Task Exec(DbConnection connection, DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        return command;
    }

    private static string? Nullable(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static string Seq(long seq) => seq.ToString(CultureInfo.InvariantCulture);
}
