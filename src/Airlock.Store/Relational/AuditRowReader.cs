using System.Data.Common;
using System.Globalization;

namespace Airlock.Store.Relational;

/// <summary>
/// Reads audit rows without trusting the schema. The tables declare every column NOT NULL and typed, but whoever
/// edits the store can drop a constraint (PostgreSQL: <c>ALTER TABLE … DROP NOT NULL</c>) or rebuild a table, and
/// SQLite stores any value in any column (https://www.sqlite.org/datatype3.html, "type affinity"). A NULL or a
/// wrongly typed value is reported on the row (<c>Defect</c>) instead of thrown from the reader, so that verify
/// names the row as tampered (AL0738) rather than crashing, and the other readers skip it with a warning.
/// </summary>
internal static class AuditRowReader
{
    /// <summary>Columns: seq, time, kind, user_name, resource, decision, session_id, body, hash.</summary>
    public static AuditRow Event(DbDataReader reader)
    {
        var columns = new Columns(reader);
        return new AuditRow
        {
            Seq = columns.Int64(0, "seq"),
            TimeMicros = columns.Int64(1, "time"),
            Kind = columns.Text(2, "kind") ?? string.Empty,
            User = columns.NullableText(3, "user_name"),
            Resource = columns.NullableText(4, "resource"),
            Decision = columns.NullableText(5, "decision"),
            SessionId = columns.NullableText(6, "session_id"),
            Body = columns.Blob(7, "body"),
            Hash = columns.Blob(8, "hash"),
            Defect = columns.Defect,
        };
    }

    /// <summary>Columns: id, seq, head_hash, time, key_id, signature.</summary>
    public static AuditCheckpointRow Checkpoint(DbDataReader reader)
    {
        var columns = new Columns(reader);
        return new AuditCheckpointRow
        {
            Id = columns.Int64(0, "id"),
            Seq = columns.Int64(1, "seq"),
            HeadHash = columns.Blob(2, "head_hash"),
            TimeMicros = columns.Int64(3, "time"),
            KeyId = columns.Text(4, "key_id") ?? string.Empty,
            Signature = columns.Blob(5, "signature"),
            Defect = columns.Defect,
        };
    }

    /// <summary>Columns: seq, hash, checkpoint_id, checkpoint_seq, checkpoint_time.</summary>
    public static AuditChainHead Head(DbDataReader reader)
    {
        var columns = new Columns(reader);
        return new AuditChainHead(
            columns.Int64(0, "seq"),
            columns.Blob(1, "hash"),
            columns.Int64(2, "checkpoint_id"),
            columns.Int64(3, "checkpoint_seq"),
            columns.Int64(4, "checkpoint_time"))
        {
            Defect = columns.Defect,
        };
    }

    /// <summary>Reads typed values; the first column that is NULL or of another type becomes the row's defect.</summary>
    private sealed class Columns(DbDataReader reader)
    {
        public string? Defect { get; private set; }

        public long Int64(int ordinal, string name) => Value(ordinal, name) switch
        {
            long value => value,
            int value => value,
            var other => Wrong(name, other, "an integer", 0L),
        };

        public string? Text(int ordinal, string name) => Value(ordinal, name) switch
        {
            string value => value,
            var other => Wrong<string?>(name, other, "text", null),
        };

        public string? NullableText(int ordinal, string name) => reader.IsDBNull(ordinal) ? null : Text(ordinal, name);

        public byte[] Blob(int ordinal, string name) => Value(ordinal, name) switch
        {
            byte[] value => value,
            var other => Wrong(name, other, "bytes", Array.Empty<byte>()),
        };

        private object? Value(int ordinal, string name)
        {
            try
            {
                return reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal);
            }
            catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or InvalidOperationException)
            {
                Defect ??= $"the {name} column cannot be read ({ex.GetType().Name})";
                return ex;
            }
        }

        private T Wrong<T>(string name, object? value, string expected, T placeholder)
        {
            Defect ??= value switch
            {
                null => $"the {name} column is NULL",
                Exception => Defect,
                _ => string.Create(CultureInfo.InvariantCulture, $"the {name} column holds {value.GetType().Name}, not {expected}"),
            };
            return placeholder;
        }
    }
}
