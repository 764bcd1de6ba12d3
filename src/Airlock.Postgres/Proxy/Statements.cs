using Airlock.Audit;
using Airlock.Pipeline;

namespace Airlock.Postgres.Proxy;

/// <summary>A prepared statement as the gateway knows it: its decision (made at Parse) and, once described, its result columns.</summary>
internal sealed class PreparedStatement(string name, string sql, StatementVerdict verdict)
{
    public string Name { get; } = name;

    public string Sql { get; } = sql;

    public StatementVerdict Verdict { get; } = verdict;

    public RowField[]? Fields { get; set; }

    /// <summary>
    /// The server refused this Parse (a named statement that exists already) or skipped it (after an earlier
    /// error): on the server the name still means what it meant before, which the gateway no longer knows.
    /// </summary>
    public bool NotCreated { get; set; }

    /// <summary>Reads masked data or data the gateway cannot trace (<see cref="MaskedReads"/>): errors at its Parse, Bind or Describe are withheld.</summary>
    public bool ReadsMasked { get; set; }
}

/// <summary>A bound portal: its statement and the result formats the client asked for in Bind.</summary>
internal sealed class Portal(string name, PreparedStatement statement, short[] resultFormats, StatementVerdict? verdict = null)
{
    public string Name { get; } = name;

    public PreparedStatement Statement { get; } = statement;

    /// <summary>
    /// What its Execute runs under: the statement's verdict, or for a statement held for review, the allow
    /// that an approval of exactly these parameter values gave at Bind.
    /// </summary>
    public StatementVerdict Verdict { get; } = verdict ?? statement.Verdict;

    public short[] ResultFormats { get; } = resultFormats;

    public RowField[]? Fields { get; set; }

    /// <summary>Rows delivered so far (max_rows counts across Executes of one portal).</summary>
    public long RowsDelivered { get; set; }

    public short FormatOf(int column) => ResultFormats.Length switch
    {
        0 => 0,
        1 => ResultFormats[0],
        _ => column < ResultFormats.Length ? ResultFormats[column] : (short)0,
    };
}

/// <summary>One field of a RowDescription (https://www.postgresql.org/docs/15/protocol-message-formats.html).</summary>
internal sealed record RowField(string Name, int TableOid, short ColumnNumber, int TypeOid, short TypeSize, int TypeModifier, short Format);

/// <summary>What is known about the result being relayed: its plan, counts for the outcome, and the audit intent.</summary>
internal sealed class ActionInFlight(StatementVerdict verdict, AuditReceipt intent, long startedTimestamp)
{
    public StatementVerdict Verdict { get; } = verdict;

    public AuditReceipt Intent { get; } = intent;

    public long StartedTimestamp { get; } = startedTimestamp;

    public MaskingCountsBox Counts { get; } = new();

    public long Rows { get; set; }

    public long RowsDropped { get; set; }

    /// <summary>Over all statements of a simple Query, for the outcome event.</summary>
    public long RowsTotal { get; set; }

    public long RowsDroppedTotal { get; set; }

    public string? LastTag { get; set; }

    public bool NulledNoticeSent { get; set; }

    /// <summary>For a simple Query of several statements: which statement's results are streaming.</summary>
    public int StatementIndex { get; set; }

    public ResultPlan? Plan { get; set; }

    /// <summary>The COPY TO STDOUT streaming for the current statement, from its CopyOutResponse on.</summary>
    public CopyOutStream? CopyOut { get; set; }

    public string? ErrorCode { get; set; }

    public string? Error { get; set; }

    /// <summary>Reads masked data or data the gateway cannot trace (<see cref="MaskedReads"/>): its errors and notices are withheld.</summary>
    public bool ReadsMasked { get; set; }

    /// <summary>Per statement: the cursor a DECLARE made or a FETCH/MOVE reads, captured when it was forwarded.</summary>
    public CursorEntry?[]? Cursors { get; set; }

    /// <summary>The cursor whose rows are streaming now (a FETCH): max_rows counts across its fetches.</summary>
    public CursorEntry? Cursor { get; set; }

    /// <summary>Counts a row that may go to the client, or a dropped one past max_rows (which counts across Executes of a portal).</summary>
    public bool AdmitRow(Portal? portal)
    {
        var delivered = portal?.RowsDelivered ?? Rows;
        if (Verdict.MaxRows is { } max && delivered >= max)
        {
            RowsDropped++;
            return false;
        }

        Rows++;
        if (portal is not null)
        {
            portal.RowsDelivered++;
        }

        return true;
    }
}

/// <summary>Masking counts for one action (a small indirection so the plan can add to them).</summary>
internal sealed class MaskingCountsBox
{
    public Airlock.Masking.MaskingCounts Counts { get; } = new();
}
