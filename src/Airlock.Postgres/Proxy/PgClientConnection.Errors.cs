using System.IO.Pipelines;
using Airlock.Postgres.Protocol;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// The server's errors and notices (issue 14, class C). Their text quotes whatever the statement touched,
/// past every column plan and max_rows, so for a statement that reads masked data it is withheld whole
/// (AL0930, SQLSTATE kept); other statements' text passes the detectors. The audit records the SQLSTATE
/// and its condition name, never the server's text.
/// <code>
///  ErrorResponse / NoticeResponse ─► whose is it?  Query, Execute ─► the action's statements
///                                                  Parse, Bind, Describe ─► the prepared statement
///                                                  Bind/Execute of a name the gateway does not know ─► unknown
///                                                  nothing (COMMIT's deferred checks, Sync) ─► the transaction
///        reads masked data, unknown, or in a transaction that did ─► withheld whole
///        otherwise ─► detectors
/// </code>
/// </summary>
internal sealed partial class PgClientConnection
{
    /// <summary>
    /// A statement of the open transaction read masked data: errors that come later in it (a deferred
    /// constraint at COMMIT, a failure at Sync) can quote those rows, though no statement of theirs reads them.
    /// </summary>
    private volatile bool _maskedInTransaction;

    private void OnError(Expected? head, ReadOnlySpan<byte> payload, PipeWriter client)
    {
        var error = PgErrorFields.Parse(payload);
        WriteErrorOrNotice(head, (byte)'E', payload, client);
        _cursors.TransactionFailed();
        if (head is null)
        {
            return;
        }

        if (head.Action is { } action)
        {
            action.ErrorCode = error.SqlState;
            action.Error = ErrorMasking.ConditionOf(error.SqlState);
        }

        if (head.Kind == ExpectedKind.Query)
        {
            // The rest of a simple Query is skipped; ReadyForQuery still comes.
            return;
        }

        if (head.Kind == ExpectedKind.Execute && head.Action is { } failed)
        {
            failed.RowsTotal = failed.Rows;
            RecordOutcome(failed);
        }

        // Extended protocol: the server skips to Sync, and so do we (refusals in between are dropped too).
        _tracker.SkipToSync();
    }

    /// <summary>An ErrorResponse or NoticeResponse to the client: withheld whole, or through the detectors.</summary>
    private void WriteErrorOrNotice(Expected? head, byte type, ReadOnlySpan<byte> payload, PipeWriter client)
    {
        if (Withholds(head))
        {
            ErrorMasking.WriteWithheld(_clientMessages, client, type, payload);
        }
        else
        {
            PgErrorFields.WriteMasked(_clientMessages, client, type, payload, MaskText);
        }
    }

    /// <summary>Whether the server's text for this answer must be withheld (see the class diagram).</summary>
    private bool Withholds(Expected? head)
    {
        if (_maskedInTransaction || ReadsMasked(head))
        {
            return true;
        }

        // A Bind or Execute of a statement or portal the gateway does not know (SQL PREPARE made it, or a
        // cursor's name): what it reads is unknown.
        return head is { Kind: ExpectedKind.Execute, Portal: null } or { Kind: ExpectedKind.Bind, Statement: null };
    }

    private static bool ReadsMasked(Expected? head) => head is not null && (head.Action?.ReadsMasked == true || head.Statement?.ReadsMasked == true || head.Portal?.Statement.ReadsMasked == true);

    /// <summary>Called for every message the server sends: a statement that reads masked data marks its transaction.</summary>
    private void MarkMaskedRead(Expected? head)
    {
        if (!_maskedInTransaction && ReadsMasked(head))
        {
            _maskedInTransaction = true;
        }
    }
}
