using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// What the client is waiting for, in order. Every frontend message forwarded upstream that the server
/// answers gets an entry. A refused message is replaced upstream by one the server must fail, and its
/// entry (a refusal) swaps the server's error for the gateway's, so the refusal reaches the client exactly
/// where the server's answer would have, and the server's state (an aborted transaction) follows it.
/// <code>
///  frontend: Parse A ─ Parse B (denied) ─ Bind … (skipped) ─ Sync
///  upstream: Parse A ─ Bind of a statement that does not exist ─ Sync
///  queue:    [Parse A] [Refusal B] [Sync]
///  server:    ParseComplete ─ Error (26000) ─ ReadyForQuery
///  client:    ParseComplete ─ Error (B) ───── ReadyForQuery
/// </code>
/// After an upstream error in the extended protocol the server skips to Sync, so the queue drops
/// everything before the next Sync entry too (https://www.postgresql.org/docs/15/protocol-flow.html#PROTOCOL-FLOW-EXT-QUERY).
/// </summary>
internal sealed class ResponseTracker
{
    private readonly Queue<Expected> _queue = new();
    private readonly Lock _lock = new();

    /// <summary>
    /// An upstream error came before the frontend had passed on the batch's Sync: the server skips the rest
    /// of the batch, so entries for it are not queued (nothing will answer them) until the Sync is.
    /// </summary>
    private bool _skipping;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Whether a ReadyForQuery is still to come for something already sent upstream: a Query, a Sync, the
    /// gateway's own query, or a refused Query's stand-in. Kept as a count, so asking costs nothing per message.
    /// </summary>
    public bool AwaitsReady()
    {
        lock (_lock)
        {
            return _awaitingReady > 0;
        }
    }

    /// <summary>How many queued entries end with a ReadyForQuery (see <see cref="AwaitsReady"/>).</summary>
    private int _awaitingReady;

    private static bool EndsWithReady(Expected expected) =>
        expected.Kind is ExpectedKind.Query or ExpectedKind.Sync or ExpectedKind.Internal || (expected.Kind == ExpectedKind.Refusal && expected.ThenReady);

    public void Enqueue(Expected expected)
    {
        lock (_lock)
        {
            if (_skipping && expected.Kind != ExpectedKind.Sync)
            {
                Skipped(expected);
                return;
            }

            _skipping = false;
            _queue.Enqueue(expected);
            _awaitingReady += EndsWithReady(expected) ? 1 : 0;
        }
    }

    public Expected? Peek()
    {
        lock (_lock)
        {
            return _queue.TryPeek(out var head) ? head : null;
        }
    }

    public Expected? Dequeue()
    {
        lock (_lock)
        {
            if (!_queue.TryDequeue(out var head))
            {
                return null;
            }

            _awaitingReady -= EndsWithReady(head) ? 1 : 0;
            return head;
        }
    }

    /// <summary>
    /// After an upstream error in the extended protocol: drop what the server will skip, up to the next Sync,
    /// and when that Sync is not queued yet, what the frontend queues until it is.
    /// </summary>
    public void SkipToSync()
    {
        lock (_lock)
        {
            while (_queue.TryPeek(out var head) && head.Kind != ExpectedKind.Sync)
            {
                _queue.Dequeue();
                _awaitingReady -= EndsWithReady(head) ? 1 : 0;
                Skipped(head);
            }

            _skipping = _queue.Count == 0;
        }
    }

    private static void Skipped(Expected expected)
    {
        if (expected is { Kind: ExpectedKind.Parse, Statement: { } statement })
        {
            // Refused or skipped: the name means what it meant before (see PreparedStatement.NotCreated).
            statement.NotCreated = true;
        }
    }
}

internal enum ExpectedKind
{
    Query,
    Parse,
    Bind,
    DescribeStatement,
    DescribePortal,
    Execute,
    Close,
    Sync,

    /// <summary>
    /// A refused message's stand-in, which the server fails: its error is replaced by the gateway's. For a
    /// simple Query (or FunctionCall) the server's ReadyForQuery follows and ends it.
    /// </summary>
    Refusal,

    /// <summary>
    /// A simple Query the gateway made itself (the read-write switch around an approved write in a
    /// read-only session): its whole answer, up to and including ReadyForQuery, stays in the gateway.
    /// </summary>
    Internal,
}

internal sealed record Expected(ExpectedKind Kind)
{
    public PreparedStatement? Statement { get; init; }

    public Portal? Portal { get; init; }

    public ActionInFlight? Action { get; init; }

    public PgError? Error { get; init; }

    /// <summary>For a refusal of a simple Query: the server's ReadyForQuery ends the entry.</summary>
    public bool ThenReady { get; init; }

    /// <summary>
    /// A Describe the gateway sent itself (a portal executed undescribed): its RowDescription or NoData
    /// plans the rows and stays in the gateway; an error from it is the client's.
    /// </summary>
    public bool Hidden { get; init; }

    /// <summary>For a refusal: whether the gateway's error has gone to the client.</summary>
    public bool ErrorSent { get; set; }
}
