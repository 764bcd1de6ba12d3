using System.Diagnostics;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// Reads the whole trail once, in order, in bounded memory (one event and one checkpoint at a time), and
/// reports the first thing wrong:
/// <code>
///   head row ─┐ (read first: a gateway appending meanwhile only moves it on)
///   events ───┼─► each row: well-formed (AL0738) → numbered (AL0722) → canonical body (AL0728, AL0737)
///             │     → its own seq (AL0723) → chained (AL0721) → columns = body (AL0727) → = head? (AL0736)
///   checkpoints ─► each, at its event: in order (AL0735, AL0730) → signed this head (AL0726)
///             │     → known key, good signature (AL0729, AL0725) → = the expected one (AL0740)
///   end ──────┴─► truncation (AL0724, AL0730, AL0731, AL0736) → outside knowledge (AL0739, AL0740)
///                 → with a key, the checkpoint policy: AL0732 no checkpoint, AL0733 tail too long, AL0734 tail too old
/// </code>
/// What verify proves alone, and what it needs from outside, is in docs/audit.md ("What verify proves").
/// </summary>
public static partial class AuditVerifier
{
    public static ValueTask<AuditVerification> VerifyAsync(
        IAuditLog log,
        IReadOnlyCollection<AuditVerifyingKey> keys,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default) =>
        VerifyAsync(log, keys, AuditVerifyOptions.Default, progress, cancellationToken);

    public static async ValueTask<AuditVerification> VerifyAsync(
        IAuditLog log,
        IReadOnlyCollection<AuditVerifyingKey> keys,
        AuditVerifyOptions options,
        IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        // The same key may be given twice (its private and its public file): one entry per key id.
        var keysById = keys.DistinctBy(k => k.KeyId, StringComparer.Ordinal).ToDictionary(k => k.KeyId, StringComparer.Ordinal);
        var state = new State(keysById, options);
        if (state.CheckExpectedCheckpoint() is { } unusable)
        {
            return state.Fail(unusable, clock);
        }

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

        if (head?.Defect is { } headDefect)
        {
            return state.Fail(AuditErrors.MalformedRow, 0, $"the store's audit head row is malformed: {headDefect}; the store was edited by hand", clock);
        }

        state.Head = head;
        if (head is { Seq: 0 } && !head.Hash.AsSpan().SequenceEqual(AuditChain.Genesis.Span))
        {
            return state.Fail(AuditErrors.HeadMismatch, 0, "the store's head row says the trail is empty but holds a hash other than the genesis (32 zero bytes): it was edited", clock);
        }

        var checkpoints = log.ReadCheckpointsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (checkpoints)
        {
            var nextCheckpoint = await NextCheckpointAsync(checkpoints, state);
            if (state.Problem is { } first)
            {
                return state.Fail(first, clock);
            }

            await foreach (var row in log.ReadAsync(AuditQuery.All, cancellationToken))
            {
                if (state.CheckRow(row, chain, previous, computed) is { } rowProblem)
                {
                    return state.Fail(rowProblem, clock);
                }

                (previous, computed) = (computed, previous);
                while (nextCheckpoint is not null && nextCheckpoint.Seq == row.Seq)
                {
                    if (state.CheckCheckpoint(nextCheckpoint, previous) is { } problem)
                    {
                        return state.Fail(problem, clock);
                    }

                    nextCheckpoint = await NextCheckpointAsync(checkpoints, state);
                    if (state.Problem is { } readProblem)
                    {
                        return state.Fail(readProblem, clock);
                    }
                }

                if (nextCheckpoint is not null && nextCheckpoint.Seq < row.Seq)
                {
                    return state.Fail(AuditErrors.CheckpointMismatch, nextCheckpoint.Seq, $"checkpoint {nextCheckpoint.Id} covers event {nextCheckpoint.Seq}, which is out of order with the trail", clock);
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

        progress?.Report(state.Events);
        return state.Fail(state.CheckEnd(), clock);
    }

    private static async ValueTask<AuditCheckpointRow?> NextCheckpointAsync(IAsyncEnumerator<AuditCheckpointRow> checkpoints, State state)
    {
        if (!await checkpoints.MoveNextAsync())
        {
            return null;
        }

        var checkpoint = checkpoints.Current;
        state.Problem ??= state.CheckCheckpointOrder(checkpoint);
        return checkpoint;
    }
}
