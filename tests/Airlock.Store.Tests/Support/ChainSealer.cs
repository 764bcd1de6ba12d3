using System.Security.Cryptography;
using System.Text.Json;

namespace Airlock.Store.Tests.Support;

/// <summary>
/// A hand-written <see cref="IAuditBatchSealer"/> that does what Airlock.Audit's sealer does, in the simplest
/// form: it numbers its events from <c>head.Seq + 1</c>, makes each body a small JSON object that starts with
/// <c>{"seq":N,…}</c>, and chains each row with <c>hash = SHA-256(previous hash ‖ body)</c>. It can also return a
/// checkpoint, fail on purpose, and counts the store's calls.
/// </summary>
public sealed class ChainSealer : IAuditBatchSealer
{
    private readonly IReadOnlyList<TestEvent> _events;
    private int _sealCalls;
    private int _committedCalls;

    public ChainSealer(params TestEvent[] events) => _events = events;

    /// <summary><paramref name="count"/> events of one kind, a second apart from the Unix epoch.</summary>
    public static ChainSealer Of(int count, string kind = "test.event") =>
        new([.. Enumerable.Range(0, count).Select(i => new TestEvent(kind, DateTimeOffset.UnixEpoch.AddSeconds(i)))]);

    /// <summary>When set, the batch also carries a checkpoint over its last row (or over the head when it has none).</summary>
    public string? CheckpointKeyId { get; init; }

    /// <summary>When set, overrides the checkpoint id (by default the head's checkpoint id + 1).</summary>
    public long? CheckpointId { get; init; }

    /// <summary>When set, <see cref="Seal"/> calls it after adding its rows (a test cancels the append there, mid-write).</summary>
    public Action? OnSeal { get; init; }

    /// <summary>When set, <see cref="Seal"/> adds its rows and then throws this.</summary>
    public Exception? Failure { get; init; }

    public int SealCalls => Volatile.Read(ref _sealCalls);

    public int CommittedCalls => Volatile.Read(ref _committedCalls);

    /// <summary>The head of the last <see cref="Seal"/> call.</summary>
    public AuditChainHead? SealedOn { get; private set; }

    /// <summary>The rows of the last <see cref="Seal"/> call.</summary>
    public IReadOnlyList<AuditRow> Rows { get; private set; } = [];

    /// <summary>The checkpoint of the last <see cref="Seal"/> call.</summary>
    public AuditCheckpointRow? Checkpoint { get; private set; }

    public AuditCheckpointRow? Seal(AuditChainHead head, ICollection<AuditRow> rows)
    {
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(rows);
        Interlocked.Increment(ref _sealCalls);
        SealedOn = head;

        var sealedRows = new List<AuditRow>(_events.Count);
        var previous = head.Hash;
        var seq = head.Seq;
        foreach (var e in _events)
        {
            seq++;
            var body = Body(seq, e);
            var row = new AuditRow
            {
                Seq = seq,
                TimeMicros = UnixMicros.From(e.Time),
                Kind = e.Kind,
                User = e.User,
                Resource = e.Resource,
                Decision = e.Decision,
                SessionId = e.SessionId,
                Body = body,
                Hash = ChainHash(previous, body),
            };
            previous = row.Hash;
            sealedRows.Add(row);
            rows.Add(row);
        }

        Rows = sealedRows;
        OnSeal?.Invoke();
        if (Failure is not null)
        {
            throw Failure;
        }

        Checkpoint = CheckpointKeyId is null
            ? null
            : new AuditCheckpointRow
            {
                Id = CheckpointId ?? head.CheckpointId + 1,
                Seq = seq,
                HeadHash = previous,
                TimeMicros = sealedRows.Count > 0 ? sealedRows[^1].TimeMicros : head.CheckpointTimeMicros + 1,
                KeyId = CheckpointKeyId,

                // Not a real ECDSA signature (that is Airlock.Audit's business), but 64 bytes that depend on what is signed.
                Signature = [.. SHA256.HashData(previous), .. SHA256.HashData(BitConverter.GetBytes(seq))],
            };
        return Checkpoint;
    }

    public void Committed() => Interlocked.Increment(ref _committedCalls);

    /// <summary>SHA-256(previous ‖ body).</summary>
    public static byte[] ChainHash(byte[] previous, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(body);
        return SHA256.HashData([.. previous, .. body]);
    }

    /// <summary>The <c>seq</c> written in a body by this sealer.</summary>
    public static long SeqInBody(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("seq").GetInt64();
    }

    private static byte[] Body(long seq, TestEvent e)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", seq);
            writer.WriteNumber("time", UnixMicros.From(e.Time));
            writer.WriteString("kind", e.Kind);
            WriteOptional(writer, "user", e.User);
            WriteOptional(writer, "resource", e.Resource);
            WriteOptional(writer, "decision", e.Decision);
            WriteOptional(writer, "session", e.SessionId);
            WriteOptional(writer, "text", e.Text);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
