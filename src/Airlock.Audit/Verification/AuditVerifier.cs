using System.Diagnostics;
using System.Text.Json;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// Reads the whole trail once, in order, in bounded memory (one event and one checkpoint at a time), and
/// reports the first thing wrong:
/// <list type="bullet">
/// <item>an edited event: its hash no longer matches SHA-256(previous hash ‖ body) (AL0721), or an indexed
/// column disagrees with the hashed body (AL0727);</item>
/// <item>a deleted event: a gap in the numbering (AL0722);</item>
/// <item>an inserted or reordered event: the body's own number differs from its row, or the chain breaks (AL0723, AL0721);</item>
/// <item>a rewritten tail: a checkpoint's signed head hash differs from the chain (AL0726);</item>
/// <item>truncation: a checkpoint, or the head row, names an event past the end of the trail (AL0724);</item>
/// <item>a forged checkpoint: its signature does not verify with the given public key (AL0725), or it names an unknown key (AL0729);</item>
/// <item>a deleted checkpoint: a gap in checkpoint ids, or fewer than the head row records (AL0730);</item>
/// <item>a deleted head row (AL0731).</item>
/// </list>
/// </summary>
public static class AuditVerifier
{
    public static async ValueTask<AuditVerification> VerifyAsync(
        IAuditLog log,
        IReadOnlyCollection<AuditVerifyingKey> keys,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(keys);
        var clock = Stopwatch.StartNew();
        // The same key may be given twice (its private and its public file): one entry per key id.
        var keysById = keys.DistinctBy(k => k.KeyId, StringComparer.Ordinal).ToDictionary(k => k.KeyId, StringComparer.Ordinal);
        var state = new State(keysById);
        using var chain = new AuditChain();
        var previous = new byte[AuditChainHead.HashLength];
        var computed = new byte[AuditChainHead.HashLength];

        // The head is read before the events: a gateway appending while this runs moves the head on, and a
        // head read after the scan would name events the scan began too early to see (a false truncation).
        // Every event and checkpoint the head names was committed with it, so the scan finds them all.
        AuditChainHead? head;
        try
        {
            head = await log.ReadHeadAsync(cancellationToken);
        }
        catch (StoreException ex) when (ex.ErrorId == StoreErrors.AuditHeadMissing)
        {
            head = null;
        }

        var checkpoints = log.ReadCheckpointsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (checkpoints)
        {
            var nextCheckpoint = await NextCheckpointAsync(checkpoints, state);
            await foreach (var row in log.ReadAsync(AuditQuery.All, cancellationToken))
            {
                var expected = state.LastSeq + 1;
                if (row.Seq != expected)
                {
                    return state.Fail(AuditErrors.MissingEvents, expected, row.Seq == expected + 1
                        ? $"event {expected} is missing: the trail jumps from {state.LastSeq} to {row.Seq} (an event was deleted)"
                        : $"events {expected}..{row.Seq - 1} are missing: the trail jumps from {state.LastSeq} to {row.Seq} (events were deleted)", clock);
                }

                IndexedFields fields;
                try
                {
                    fields = IndexedFields.Read(row.Body);
                }
                catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
                {
                    return state.Fail(AuditErrors.UnreadableEvent, row.Seq, $"event {row.Seq} is not a readable event body ({ex.GetType().Name}): it was edited", clock);
                }

                if (fields.Seq != row.Seq)
                {
                    return state.Fail(AuditErrors.OutOfOrder, row.Seq, $"the event stored at {row.Seq} says it is event {fields.Seq}: events were reordered, renumbered or inserted", clock);
                }

                chain.Next(previous, row.Body, computed);
                if (!computed.AsSpan().SequenceEqual(row.Hash))
                {
                    // The previous link was already proven, so this row's body or hash is not what was chained here.
                    return state.Fail(AuditErrors.HashMismatch, row.Seq, $"event {row.Seq} does not match its hash chained from event {state.LastSeq}: its content was edited, or it was inserted or moved here", clock);
                }

                if (ColumnMismatch(row, fields) is { } column)
                {
                    return state.Fail(AuditErrors.ColumnMismatch, row.Seq, $"event {row.Seq}: the {column} column disagrees with the hashed record (a search column was edited)", clock);
                }

                (previous, computed) = (computed, previous);
                state.LastSeq = row.Seq;
                state.Events++;

                while (nextCheckpoint is not null && nextCheckpoint.Seq == row.Seq)
                {
                    if (state.CheckCheckpoint(nextCheckpoint, previous) is { } problem)
                    {
                        return state.Fail(problem, clock);
                    }

                    nextCheckpoint = await NextCheckpointAsync(checkpoints, state);
                }

                if (nextCheckpoint is not null && nextCheckpoint.Seq < row.Seq)
                {
                    return state.Fail(AuditErrors.CheckpointMismatch, nextCheckpoint.Seq, $"checkpoint {nextCheckpoint.Id} covers event {nextCheckpoint.Seq}, which is out of order with the trail", clock);
                }

                if (state.Problem is { } idProblem)
                {
                    return state.Fail(idProblem, clock);
                }

                if ((state.Events & 0x3FFF) == 0)
                {
                    progress?.Report(state.Events);
                }
            }

            if (nextCheckpoint is not null)
            {
                return state.Fail(AuditErrors.Truncated, state.LastSeq + 1, $"checkpoint {nextCheckpoint.Id} signed event {nextCheckpoint.Seq}, but the trail ends at {state.LastSeq}: events after {state.LastSeq} were deleted", clock);
            }
        }

        if (head is null)
        {
            return state.Fail(AuditErrors.HeadMissing, state.LastSeq, "the store's audit head row was deleted: the store was edited by hand", clock);
        }

        if (head.Seq > state.LastSeq)
        {
            return state.Fail(AuditErrors.Truncated, state.LastSeq + 1, $"the store's head says the trail reached event {head.Seq}, but it ends at {state.LastSeq}: events were deleted from the end", clock);
        }

        if (head.CheckpointId > state.LastCheckpointId)
        {
            return state.Fail(AuditErrors.MissingCheckpoint, head.CheckpointSeq, $"the store's head records checkpoint {head.CheckpointId} (event {head.CheckpointSeq}), but the last checkpoint is {state.LastCheckpointId}: checkpoints were deleted from the end", clock);
        }

        progress?.Report(state.Events);
        return state.Result(clock, problem: null);
    }

    private static async ValueTask<AuditCheckpointRow?> NextCheckpointAsync(IAsyncEnumerator<AuditCheckpointRow> checkpoints, State state)
    {
        if (!await checkpoints.MoveNextAsync())
        {
            return null;
        }

        var checkpoint = checkpoints.Current;
        if (checkpoint.Id != state.LastCheckpointId + 1 && state.Problem is null)
        {
            state.Problem = new AuditProblem(AuditErrors.MissingCheckpoint, checkpoint.Seq, $"checkpoint {state.LastCheckpointId + 1} is missing: checkpoints jump from {state.LastCheckpointId} to {checkpoint.Id}");
        }

        state.LastCheckpointId = checkpoint.Id;
        return checkpoint;
    }

    private static string? ColumnMismatch(AuditRow row, IndexedFields fields) =>
        row.TimeMicros != fields.TimeMicros ? "time"
        : !string.Equals(row.Kind, fields.Kind, StringComparison.Ordinal) ? "kind"
        : !string.Equals(row.User, fields.User, StringComparison.Ordinal) ? "user_name"
        : !string.Equals(row.Resource, fields.Resource, StringComparison.Ordinal) ? "resource"
        : !string.Equals(row.Decision, fields.Decision, StringComparison.Ordinal) ? "decision"
        : !string.Equals(row.SessionId, fields.Session, StringComparison.Ordinal) ? "session_id"
        : null;

    private sealed class State(Dictionary<string, AuditVerifyingKey> keys)
    {
        public long LastSeq { get; set; }

        public long Events { get; set; }

        public long Checkpoints { get; private set; }

        public long LastCheckpointId { get; set; }

        public long LastSignedSeq { get; private set; }

        public DateTimeOffset? LastCheckpointTime { get; private set; }

        public AuditProblem? Problem { get; set; }

        public AuditProblem? CheckCheckpoint(AuditCheckpointRow checkpoint, byte[] chainHead)
        {
            if (!checkpoint.HeadHash.AsSpan().SequenceEqual(chainHead))
            {
                return new AuditProblem(AuditErrors.CheckpointMismatch, checkpoint.Seq, $"checkpoint {checkpoint.Id} signed a different chain head at event {checkpoint.Seq}: events up to {checkpoint.Seq} were rewritten (edited, inserted, deleted or reordered, with the hashes recomputed)");
            }

            if (keys.Count > 0)
            {
                if (!keys.TryGetValue(checkpoint.KeyId, out var key))
                {
                    return new AuditProblem(AuditErrors.UnknownKey, checkpoint.Seq, $"checkpoint {checkpoint.Id} names signing key {checkpoint.KeyId}, which is not among the public keys given: forged, or signed by a key you did not pass");
                }

                if (!key.Verify(checkpoint))
                {
                    return new AuditProblem(AuditErrors.BadSignature, checkpoint.Seq, $"checkpoint {checkpoint.Id} has a signature that does not verify with key {checkpoint.KeyId}: the checkpoint was forged or altered");
                }
            }

            Checkpoints++;
            LastSignedSeq = checkpoint.Seq;
            LastCheckpointTime = UnixMicros.ToTime(checkpoint.TimeMicros);
            return null;
        }

        public AuditVerification Fail(string errorId, long seq, string message, Stopwatch clock) => Result(clock, new AuditProblem(errorId, seq, message));

        public AuditVerification Fail(AuditProblem problem, Stopwatch clock) => Result(clock, problem);

        public AuditVerification Result(Stopwatch clock, AuditProblem? problem) => new()
        {
            Problem = problem,
            EventsChecked = Events,
            CheckpointsChecked = Checkpoints,
            LastSeq = LastSeq,
            LastSignedSeq = LastSignedSeq,
            LastCheckpointTime = LastCheckpointTime,
            SignaturesChecked = keys.Count > 0,
            Elapsed = clock.Elapsed,
        };
    }
}
