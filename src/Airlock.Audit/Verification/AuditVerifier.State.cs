using System.Diagnostics;
using Airlock.Store;

namespace Airlock.Audit;

public static partial class AuditVerifier
{
    /// <summary>What the scan has proven so far, and the checks of one event and one checkpoint against it.</summary>
    private sealed partial class State(Dictionary<string, AuditVerifyingKey> keys, AuditVerifyOptions options)
    {
        public AuditChainHead? Head { get; set; }

        public long LastSeq { get; private set; }

        public long Events { get; private set; }

        public long Checkpoints { get; private set; }

        /// <summary>The id of the last checkpoint read (read one ahead of the scan).</summary>
        public long LastCheckpointId { get; private set; }

        public long LastSignedSeq { get; private set; }

        public DateTimeOffset? LastCheckpointTime { get; private set; }

        /// <summary>A problem found reading ahead (the checkpoints): reported as soon as it is known.</summary>
        public AuditProblem? Problem { get; set; }

        private long _lastCheckpointSeq;
        private long _lastCheckpointMicros = long.MinValue;
        private bool _expectedCheckpointSeen;

        /// <summary>Time of the first event after the last valid checkpoint, and of the newest event (for the tail's age).</summary>
        private long _firstUnsignedMicros, _newestMicros;

        /// <summary>Checks one event row in scan order; on success <paramref name="computed"/> holds its chain hash.</summary>
        public AuditProblem? CheckRow(AuditRow row, AuditChain chain, byte[] previous, byte[] computed)
        {
            var expected = LastSeq + 1;
            if (row.Defect is { } defect)
            {
                return new AuditProblem(AuditErrors.MalformedRow, expected, $"the row after event {LastSeq} is malformed: {defect} (the schema forbids it: the store was edited by hand)");
            }

            if (row.Seq != expected)
            {
                return new AuditProblem(AuditErrors.MissingEvents, expected, row.Seq == expected + 1
                    ? $"event {expected} is missing: the trail jumps from {LastSeq} to {row.Seq} (an event was deleted)"
                    : $"events {expected}..{row.Seq - 1} are missing: the trail jumps from {LastSeq} to {row.Seq} (events were deleted)");
            }

            var read = CanonicalBody.Read(row.Body);
            if (read.Event is not { } stored)
            {
                return new AuditProblem(read.ErrorId!, row.Seq, read.ErrorId == AuditErrors.NotCanonical
                    ? $"event {row.Seq} is not in canonical form: {read.Reason}; the writer never stores that, so it was edited"
                    : $"event {row.Seq} is not a readable event body: {read.Reason}; it was edited");
            }

            if (stored.Seq != row.Seq)
            {
                return new AuditProblem(AuditErrors.OutOfOrder, row.Seq, $"the event stored at {row.Seq} says it is event {stored.Seq}: events were reordered, renumbered or inserted");
            }

            chain.Next(previous, row.Body, computed);
            if (!computed.AsSpan().SequenceEqual(row.Hash))
            {
                // The previous link was already proven, so this row's body or hash is not what was chained here.
                return new AuditProblem(AuditErrors.HashMismatch, row.Seq, $"event {row.Seq} does not match its hash chained from event {LastSeq}: its content was edited, or it was inserted or moved here");
            }

            var micros = UnixMicros.From(stored.Event.Time);
            if (ColumnMismatch(row, stored.Event, micros) is { } column)
            {
                return new AuditProblem(AuditErrors.ColumnMismatch, row.Seq, $"event {row.Seq}: the {column} column disagrees with the hashed record (a search column was edited)");
            }

            if (Head is { } head && head.Seq == row.Seq && !computed.AsSpan().SequenceEqual(head.Hash))
            {
                return new AuditProblem(AuditErrors.HeadMismatch, row.Seq, $"the store's head row names event {row.Seq} with a hash the chain does not have there: the head row, or the trail up to it, was rewritten");
            }

            if (options.ExpectCheckpoint is { } wanted && wanted.Seq == row.Seq && !computed.AsSpan().SequenceEqual(wanted.HeadHash))
            {
                return new AuditProblem(AuditErrors.ExpectedMismatch, row.Seq, $"the exported checkpoint {wanted.Id} signed a different chain at event {row.Seq}: the trail up to it was rewritten since it was exported");
            }

            if (row.Seq == LastSignedSeq + 1)
            {
                _firstUnsignedMicros = micros;
            }

            _newestMicros = micros;
            LastSeq = row.Seq;
            Events++;
            return null;
        }

        /// <summary>A checkpoint as read, before the scan reaches it: numbered without gaps, and later than the one before in sequence and time.</summary>
        public AuditProblem? CheckCheckpointOrder(AuditCheckpointRow checkpoint)
        {
            if (checkpoint.Defect is { } defect)
            {
                return new AuditProblem(AuditErrors.MalformedRow, _lastCheckpointSeq, $"the checkpoint row after checkpoint {LastCheckpointId} is malformed: {defect} (the schema forbids it: the store was edited by hand)");
            }

            var previousId = LastCheckpointId;
            LastCheckpointId = checkpoint.Id;
            if (checkpoint.Id != previousId + 1)
            {
                return new AuditProblem(AuditErrors.MissingCheckpoint, checkpoint.Seq, $"checkpoint {previousId + 1} is missing: checkpoints jump from {previousId} to {checkpoint.Id}");
            }

            if (previousId > 0 && checkpoint.Seq <= _lastCheckpointSeq)
            {
                return new AuditProblem(AuditErrors.CheckpointOutOfOrder, checkpoint.Seq, $"checkpoint {checkpoint.Id} signs event {checkpoint.Seq}, not after checkpoint {previousId}'s event {_lastCheckpointSeq}: checkpoints only move forward");
            }

            if (checkpoint.TimeMicros < _lastCheckpointMicros)
            {
                return new AuditProblem(AuditErrors.CheckpointOutOfOrder, checkpoint.Seq, $"checkpoint {checkpoint.Id} is dated {Describe(checkpoint.TimeMicros)}, before checkpoint {previousId} ({Describe(_lastCheckpointMicros)}): checkpoints only move forward in time");
            }

            _lastCheckpointSeq = checkpoint.Seq;
            _lastCheckpointMicros = checkpoint.TimeMicros;
            return null;
        }

        /// <summary>A checkpoint at its event: it signed this chain head, with a known key, and agrees with the head row and the exported checkpoint.</summary>
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
                    return new AuditProblem(AuditErrors.UnknownKey, checkpoint.Seq, $"checkpoint {checkpoint.Id} names signing key {Printable(checkpoint.KeyId)}, which is not among the public keys given: forged, or signed by a key you did not pass");
                }

                if (!key.Verify(checkpoint))
                {
                    return new AuditProblem(AuditErrors.BadSignature, checkpoint.Seq, $"checkpoint {checkpoint.Id} has a signature that does not verify with key {checkpoint.KeyId}: the checkpoint was forged or altered");
                }
            }

            if (Head is { } head && CheckpointDisagreesWithHead(head, checkpoint) is { } why)
            {
                return new AuditProblem(AuditErrors.HeadMismatch, checkpoint.Seq, why);
            }

            if (options.ExpectCheckpoint is { } wanted && wanted.Id == checkpoint.Id)
            {
                if (!SameCheckpoint(wanted, checkpoint))
                {
                    return new AuditProblem(AuditErrors.ExpectedMismatch, checkpoint.Seq, $"the store's checkpoint {checkpoint.Id} is not the exported checkpoint {wanted.Id} (event {wanted.Seq}): the checkpoints were rewritten since it was exported");
                }

                _expectedCheckpointSeen = true;
            }

            Checkpoints++;
            LastSignedSeq = checkpoint.Seq;
            LastCheckpointTime = ToTime(checkpoint.TimeMicros);
            return null;
        }

        public AuditVerification Fail(string errorId, long seq, string message, Stopwatch clock) => Result(clock, new AuditProblem(errorId, seq, message));

        /// <summary>The result, failed when <paramref name="problem"/> is set.</summary>
        public AuditVerification Fail(AuditProblem? problem, Stopwatch clock) => Result(clock, problem);

        private AuditVerification Result(Stopwatch clock, AuditProblem? problem) => new()
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

        /// <summary>
        /// The head row records the last checkpoint written with it. A checkpoint it names must be that one; a later
        /// checkpoint may exist only if written after verify read the head, and then it signs the head's event or a later one.
        /// </summary>
        private static string? CheckpointDisagreesWithHead(AuditChainHead head, AuditCheckpointRow checkpoint)
        {
            if (checkpoint.Id == head.CheckpointId && (checkpoint.Seq != head.CheckpointSeq || checkpoint.TimeMicros != head.CheckpointTimeMicros))
            {
                return $"the store's head row records checkpoint {head.CheckpointId} at event {head.CheckpointSeq} ({Describe(head.CheckpointTimeMicros)}), but checkpoint {checkpoint.Id} signed event {checkpoint.Seq} ({Describe(checkpoint.TimeMicros)}): the head row was edited";
            }

            return checkpoint.Id > head.CheckpointId && checkpoint.Seq < head.Seq
                ? $"the store's head row (event {head.Seq}) records checkpoint {head.CheckpointId} as the last one, but checkpoint {checkpoint.Id} signed event {checkpoint.Seq} before it: the head row's checkpoint fields were rewritten"
                : null;
        }

        private static bool SameCheckpoint(AuditCheckpointRow a, AuditCheckpointRow b) =>
            a.Id == b.Id && a.Seq == b.Seq && a.TimeMicros == b.TimeMicros && string.Equals(a.KeyId, b.KeyId, StringComparison.Ordinal)
            && a.HeadHash.AsSpan().SequenceEqual(b.HeadHash) && a.Signature.AsSpan().SequenceEqual(b.Signature);

        private static string? ColumnMismatch(AuditRow row, AuditEvent e, long micros) =>
            row.TimeMicros != micros ? "time"
            : !string.Equals(row.Kind, e.Kind, StringComparison.Ordinal) ? "kind"
            : !string.Equals(row.User, e.User, StringComparison.Ordinal) ? "user_name"
            : !string.Equals(row.Resource, e.Resource, StringComparison.Ordinal) ? "resource"
            : !string.Equals(row.Decision, e.Decision, StringComparison.Ordinal) ? "decision"
            : !string.Equals(row.SessionId, e.SessionId, StringComparison.Ordinal) ? "session_id"
            : null;
    }
}
