using Airlock.Masking;
using Airlock.Store;

namespace Airlock.Audit;

/// <summary>
/// Appends events to the store's trail with group commit, and signs checkpoints.
/// <code>
///   AppendAsync(e) ─► redact free text ─► queue ─► wait for the writer slot
///                                                     │ first in: the leader
///                                                     ▼
///        store.AppendAsync(batch) : lock head → number, serialize, chain, [sign] → insert → commit → durable
///                                                     │
///   every queued caller whose event went in returns ◄─┘  (one transaction and one fsync for all of them)
/// </code>
/// There is no writer thread and no hand-off: a lone caller writes its own event at once, and callers
/// that arrive while a batch is being made durable are carried by the next leader together. Events that
/// nobody waits for (<see cref="AppendLater"/>: an action's outcome) ride in the next leader's transaction,
/// or in their own after <see cref="AuditTrailOptions.LaterFlushDelay"/>.
/// </summary>
public sealed class AuditTrail : IAsyncDisposable
{
    private readonly IAirlockStore _store;
    private readonly AuditSigningKey? _key;
    private readonly AuditTrailOptions _options;
    private readonly TimeProvider _time;
    private readonly AuditRedactor _redactor;
    private readonly Lock _queueLock = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly AuditChain _chain = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _checkpointLoop;
    private readonly DateTimeOffset _startedAt;
    private List<PendingAppend> _queue = [];
    private bool _laterFlushScheduled;
    private bool _committedOnce;
    private volatile AuditUnavailableException? _lastFailure;

    /// <summary>Starts a trail over <paramref name="store"/>; with a key, a background loop signs checkpoints on time.</summary>
    /// <param name="store">Where events go; the trail does not own it.</param>
    /// <param name="signingKey">Signs checkpoints; null writes no checkpoints (verify then reports the trail as unsigned).</param>
    /// <param name="options">Checkpoint and batch limits.</param>
    /// <param name="masking">Redacts free text; the default profile when null.</param>
    /// <param name="time">The clock (tests move it).</param>
    public AuditTrail(IAirlockStore store, AuditSigningKey? signingKey, AuditTrailOptions? options = null, MaskingEngine? masking = null, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _key = signingKey;
        _options = options ?? new AuditTrailOptions();
        _time = time ?? TimeProvider.System;
        _redactor = new AuditRedactor(masking ?? new MaskingEngine(MaskingProfile.Default()));
        _startedAt = _time.GetUtcNow();
        _checkpointLoop = signingKey is null ? Task.CompletedTask : Task.Run(CheckpointLoopAsync);
    }

    public IAirlockStore Store => _store;

    /// <summary>The last append failure, cleared by the next success: the gateway's health check reads it.</summary>
    public AuditUnavailableException? LastFailure => _lastFailure;

    /// <summary>
    /// Records an event and returns once it is durable as <see cref="IAirlockStore.Durability"/> promises.
    /// Throws <see cref="AuditUnavailableException"/> when it could not be recorded and the trail is
    /// required (the default): the caller must not go on with the action.
    /// </summary>
    public async ValueTask<AuditReceipt> AppendAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        var pending = Enqueue(auditEvent, later: false);
        await _writer.WaitAsync(cancellationToken);
        try
        {
            while (!pending.Done)
            {
                // Not the caller's token: the batch carries other callers' events too, and one session ending
                // (a kill, a login timeout) must not cancel their writes. The store's own timeouts bound it.
                await WriteNextBatchAsync(forceCheckpoint: false, CancellationToken.None);
            }
        }
        finally
        {
            _writer.Release();
        }

        return pending.Failed && !_options.Required ? default : pending.Receipt();
    }

    /// <summary>
    /// Records an event that no action waits on, such as an outcome: it joins the queue and is written with
    /// the next append's transaction (one transaction for a statement's outcome and the next one's intent),
    /// or on its own once <see cref="AuditTrailOptions.LaterFlushDelay"/> has passed. A process crash in that
    /// window loses it; its intent, written ahead, stays on record. A failure shows in <see cref="LastFailure"/>.
    /// </summary>
    public void AppendLater(AuditEvent auditEvent) => Enqueue(auditEvent, later: true);

    /// <summary>Writes what is queued, then signs the current head now if it is not signed yet (with a key).</summary>
    public async ValueTask CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await WriteQueuedAsync(cancellationToken);
            if (_key is not null)
            {
                await WriteNextBatchAsync(forceCheckpoint: true, cancellationToken);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
#pragma warning disable VSTHRD003 // The checkpoint loop is this object's own task, started in its constructor.
        await _checkpointLoop;
#pragma warning restore VSTHRD003
        try
        {
            // A clean stop writes what is queued and leaves the whole trail covered by a signature.
            await CheckpointAsync(CancellationToken.None);
        }
        catch (AuditUnavailableException)
        {
            // Already reported to the appenders that failed; nothing more to do on the way out.
        }

        _chain.Dispose();
        _writer.Dispose();
        _stop.Dispose();
    }

    /// <summary>Redacts and queues an event; for a later one, schedules the flush that writes it if no append does first.</summary>
    private PendingAppend Enqueue(AuditEvent auditEvent, bool later)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        ArgumentException.ThrowIfNullOrWhiteSpace(auditEvent.Kind, nameof(auditEvent));
        var pending = new PendingAppend(_redactor.Redact(auditEvent));
        var scheduleFlush = false;
        lock (_queueLock)
        {
            _queue.Add(pending);
            if (later && !_laterFlushScheduled)
            {
                _laterFlushScheduled = scheduleFlush = true;
            }
        }

        if (scheduleFlush)
        {
            _ = FlushLaterAsync();
        }

        return pending;
    }

    private async Task FlushLaterAsync()
    {
        try
        {
            await Task.Delay(_options.LaterFlushDelay, _time, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Disposal (under way, or done): it writes the queue itself.
            return;
        }

        lock (_queueLock)
        {
            // From here on a new later event schedules its own flush: this one may already have taken the queue.
            _laterFlushScheduled = false;
        }

        try
        {
            await _writer.WaitAsync(_stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            return;
        }

        try
        {
            await WriteQueuedAsync(CancellationToken.None);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Writes everything queued, MaxBatch events per transaction. Runs only in the writer slot.</summary>
    private async ValueTask WriteQueuedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    return;
                }
            }

            await WriteNextBatchAsync(forceCheckpoint: false, cancellationToken);
        }
    }

    /// <summary>Writes the oldest queued events (up to MaxBatch) in one store transaction. Runs only in the writer slot.</summary>
    private async ValueTask WriteNextBatchAsync(bool forceCheckpoint, CancellationToken cancellationToken)
    {
        List<PendingAppend> batch;
        lock (_queueLock)
        {
            if (_queue.Count <= _options.MaxBatch)
            {
                batch = _queue;
                _queue = [];
            }
            else
            {
                batch = _queue.GetRange(0, _options.MaxBatch);
                _queue.RemoveRange(0, _options.MaxBatch);
            }
        }

        if (batch.Count == 0 && !forceCheckpoint)
        {
            return;
        }

        var sealer = new BatchSealer(this, batch, forceCheckpoint);
        try
        {
            await _store.Audit.AppendAsync(sealer, cancellationToken);
            _lastFailure = null;
        }
        catch (Exception ex) when (ex is StoreException or OperationCanceledException)
        {
            var failure = ex is StoreException store
                ? new AuditUnavailableException($"the audit trail cannot record events: {store.Message}", store.ErrorId, store)
                : new AuditUnavailableException("the audit append was cancelled before it was recorded", AuditErrors.Unavailable, ex);
            if (ex is StoreException)
            {
                _lastFailure = failure;
            }

            foreach (var pending in batch)
            {
                pending.Fail(failure);
            }
        }
    }

    private async Task CheckpointLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.CheckpointInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await _writer.WaitAsync(_stop.Token);
                try
                {
                    // Signs whenever the head is past the last checkpoint, whoever wrote the events and whether or not
                    // more arrive: an idle gateway must not leave its last events unsigned (issue 15, class P). The
                    // sealer writes nothing when the head is already signed, so an idle tick costs one empty transaction.
                    await WriteQueuedAsync(_stop.Token);
                    await WriteNextBatchAsync(forceCheckpoint: true, _stop.Token);
                }
                finally
                {
                    _writer.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal.
        }
    }

    /// <summary>Numbers, serializes and chains one batch under the store's head lock; decides whether to sign.</summary>
    private sealed class BatchSealer(AuditTrail trail, List<PendingAppend> batch, bool forceCheckpoint) : IAuditBatchSealer
    {
        public AuditCheckpointRow? Seal(AuditChainHead head, ICollection<AuditRow> rows)
        {
            var now = trail._time.GetUtcNow();
            var seq = head.Seq;
            var previous = head.Hash;
            foreach (var pending in batch)
            {
                seq++;
                var e = pending.Event.Time == default ? pending.Event with { Time = now } : pending.Event;
                var id = Guid.CreateVersion7(e.Time);
                var body = AuditEventJson.Serialize(e, seq, id);
                var hash = trail._chain.Next(previous, body);
                rows.Add(new AuditRow
                {
                    Seq = seq,
                    TimeMicros = UnixMicros.From(e.Time),
                    Kind = e.Kind,
                    User = e.User,
                    Resource = e.Resource,
                    Decision = e.Decision,
                    SessionId = e.SessionId,
                    Body = body,
                    Hash = hash,
                });
                pending.Assign(seq, id, e.Time);
                previous = hash;
            }

            if (trail._key is null || seq == head.CheckpointSeq)
            {
                return null;
            }

            // The interval runs from the last checkpoint, or from this trail's start if the store has none yet. A tail
            // this trail did not write (a gateway that crashed before signing it) is signed with its first batch, so
            // that an unsigned tail never spans a restart.
            var since = head.CheckpointId == 0 ? trail._startedAt : UnixMicros.ToTime(head.CheckpointTimeMicros);
            var due = forceCheckpoint
                || (!trail._committedOnce && head.Seq > head.CheckpointSeq)
                || seq - head.CheckpointSeq >= trail._options.CheckpointEveryEvents
                || now - since >= trail._options.CheckpointInterval;

            // Checkpoints never go back in time, even when this gateway's clock is behind the one that signed the
            // last checkpoint (gateways sharing a store, a clock stepped back): verify requires it (AL0735).
            var micros = Math.Max(UnixMicros.From(now), head.CheckpointTimeMicros);
            return due ? trail._key.SignCheckpoint(head.CheckpointId + 1, seq, previous, micros) : null;
        }

        public void Committed()
        {
            trail._committedOnce = true;
            foreach (var pending in batch)
            {
                pending.Complete();
            }
        }
    }
}
