using System.Globalization;
using Airlock.Store;

namespace Airlock.Audit;

public static partial class AuditVerifier
{
    private sealed partial class State
    {
        /// <summary>The exported checkpoint is trusted only if it verifies with a key given: otherwise anyone could write one.</summary>
        public AuditProblem? CheckExpectedCheckpoint()
        {
            if (options.ExpectCheckpoint is not { } wanted)
            {
                return null;
            }

            if (keys.Count == 0)
            {
                return new AuditProblem(AuditErrors.BadExpectedCheckpoint, wanted.Seq, "an expected checkpoint is checked only with the public key that signed it: pass --public-key");
            }

            if (!keys.TryGetValue(wanted.KeyId, out var key))
            {
                return new AuditProblem(AuditErrors.BadExpectedCheckpoint, wanted.Seq, $"the expected checkpoint names signing key {Printable(wanted.KeyId)}, which is not among the public keys given");
            }

            return key.Verify(wanted)
                ? null
                : new AuditProblem(AuditErrors.BadExpectedCheckpoint, wanted.Seq, $"the expected checkpoint {wanted.Id} has a signature that does not verify with key {wanted.KeyId}: the file was altered");
        }

        /// <summary>After the last event: truncation the head row shows, what the verifier knows from outside, then (with a key) the checkpoint policy.</summary>
        public AuditProblem? CheckEnd()
        {
            if (Head is not { } head)
            {
                return new AuditProblem(AuditErrors.HeadMissing, LastSeq, "the store's audit head row was deleted: the store was edited by hand");
            }

            if (head.Seq > LastSeq)
            {
                return new AuditProblem(AuditErrors.Truncated, LastSeq + 1, $"the store's head says the trail reached event {head.Seq}, but it ends at {LastSeq}: events were deleted from the end");
            }

            if (head.CheckpointId > LastCheckpointId)
            {
                return new AuditProblem(AuditErrors.MissingCheckpoint, head.CheckpointSeq, $"the store's head records checkpoint {head.CheckpointId} (event {head.CheckpointSeq}), but the last checkpoint is {LastCheckpointId}: checkpoints were deleted from the end");
            }

            if (head.CheckpointId == 0 && (head.CheckpointSeq != 0 || head.CheckpointTimeMicros != 0))
            {
                return new AuditProblem(AuditErrors.HeadMismatch, head.CheckpointSeq, $"the store's head row records no checkpoint, yet names event {head.CheckpointSeq} as signed: the head row was edited");
            }

            return CheckExpected() ?? (keys.Count > 0 ? CheckPolicy() : null);
        }

        /// <summary>Outside knowledge: the store alone cannot show a clean truncation back to a checkpoint, an exported checkpoint or a known length can.</summary>
        private AuditProblem? CheckExpected()
        {
            if (options.ExpectSeq is { } expectSeq && LastSeq < expectSeq)
            {
                return new AuditProblem(AuditErrors.BehindExpected, LastSeq + 1, $"the trail ends at event {LastSeq}, but it was expected to reach at least event {expectSeq} (--expect-seq): events were deleted from the end");
            }

            if (options.ExpectCheckpoint is { } wanted && !_expectedCheckpointSeen)
            {
                return LastCheckpointId < wanted.Id || LastSeq < wanted.Seq
                    ? new AuditProblem(AuditErrors.BehindExpected, Math.Min(LastSeq, wanted.Seq) + 1, $"the trail ends at event {LastSeq} with checkpoint {LastCheckpointId}, behind the exported checkpoint {wanted.Id} (event {wanted.Seq}, {Describe(wanted.TimeMicros)}): the trail was truncated and its later checkpoints deleted")
                    : new AuditProblem(AuditErrors.ExpectedMismatch, wanted.Seq, $"the trail has no checkpoint equal to the exported checkpoint {wanted.Id}: the checkpoints were rewritten since it was exported");
            }

            return null;
        }

        /// <summary>
        /// The gateway never commits more than <see cref="AuditVerifyOptions.CheckpointEveryEvents"/> − 1 events
        /// unsigned, and its timer signs any event within an interval. A tail beyond that was not left by the writer:
        /// its checkpoints were deleted (and the head row's checkpoint fields rewritten to match).
        /// </summary>
        private AuditProblem? CheckPolicy()
        {
            // A new store's first checkpoint comes with the timer, so a trail younger than interval + grace may have
            // none yet; any older trail without one had its checkpoints deleted (or was never signed).
            var allowed = options.CheckpointInterval + options.CheckpointGrace;
            var sinceFirst = TimeSpan.FromMicroseconds(UnixMicros.From(options.Time.GetUtcNow()) - _firstUnsignedMicros);
            if (Events > 0 && Checkpoints == 0 && sinceFirst > allowed)
            {
                return new AuditProblem(AuditErrors.NoCheckpoint, 1, $"{Events} events and no checkpoint signs any of them: the checkpoints were deleted (or the trail was written without a signing key)");
            }

            var tail = LastSeq - LastSignedSeq;
            if (tail >= options.CheckpointEveryEvents)
            {
                return new AuditProblem(AuditErrors.TailTooLong, LastSignedSeq + options.CheckpointEveryEvents, $"{tail} events after the last checkpoint (event {LastSignedSeq}) are unsigned; the policy signs every {options.CheckpointEveryEvents}: later checkpoints were deleted");
            }

            var age = TimeSpan.FromMicroseconds(_newestMicros - _firstUnsignedMicros);
            return tail > 0 && age > allowed
                ? new AuditProblem(AuditErrors.TailTooOld, LastSignedSeq + 1, string.Create(CultureInfo.InvariantCulture, $"event {LastSignedSeq + 1} ({Describe(_firstUnsignedMicros)}) is still unsigned {age.TotalSeconds:0.###} s before the newest event {LastSeq} ({Describe(_newestMicros)}); the policy signs within {allowed.TotalSeconds:0.###} s (interval + grace): later checkpoints were deleted"))
                : null;
        }
    }

    /// <summary>A stored time for messages; a value no clock writes is shown as its number.</summary>
    private static string Describe(long micros) => ToTime(micros) is { } time
        ? AuditEventJson.FormatTime(time)
        : string.Create(CultureInfo.InvariantCulture, $"time {micros} µs");

    /// <summary>A stored time, or null when it is outside the range of <see cref="DateTimeOffset"/> (an edited row).</summary>
    private static DateTimeOffset? ToTime(long micros) =>
        micros >= 0 && micros <= (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 ? UnixMicros.ToTime(micros) : null;

    /// <summary>A stored string for messages: control characters shown as '?', cut at 64 characters.</summary>
    private static string Printable(string text)
    {
        var shown = new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);
        return text.Length > 64 ? shown + "…" : shown;
    }
}
