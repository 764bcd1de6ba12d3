using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// A cursor as the gateway saw it declared: the analysis of its query (lineage, tables), so its FETCHes
/// are masked as the query itself would be, and max_rows counts across them (issue 14, class D).
/// </summary>
internal sealed class CursorEntry(string name, StatementAnalysis statement, bool hold, long? maxRows, bool readsMasked, Portal? portal = null)
{
    private long _rows;

    public string Name { get; } = name;

    /// <summary>The DECLARE's analysis: its columns are the query's lineage, its tables the query's.</summary>
    public StatementAnalysis Statement { get; } = statement;

    public bool Hold { get; } = hold;

    public long? MaxRows { get; } = maxRows;

    public bool ReadsMasked { get; } = readsMasked;

    /// <summary>A protocol-level portal that a FETCH names: it shares its row count with the portal's Executes.</summary>
    public Portal? Portal { get; } = portal;

    /// <summary>Declared in the transaction still open: gone if that transaction does not commit.</summary>
    public bool InTransaction { get; set; } = true;

    public long RowsDelivered
    {
        get => Portal?.RowsDelivered ?? Interlocked.Read(ref _rows);
        set
        {
            if (Portal is not null)
            {
                Portal.RowsDelivered = value;
            }
            else
            {
                Interlocked.Exchange(ref _rows, value);
            }
        }
    }
}

/// <summary>
/// The session's SQL cursors, by name. The frontend declares and closes at the moment it forwards a
/// statement (so a FETCH later in the same batch finds its cursor); the backend ends them with their
/// transaction, as PostgreSQL does: a cursor WITHOUT HOLD at the transaction's end, one WITH HOLD only when
/// the transaction that declared it does not commit (PreCommit_Portals and AtAbort_Portals in portalmem.c).
/// </summary>
/// <remarks>
/// What the gateway cannot see (a cursor opened inside a function, or a savepoint rolled back) it does not
/// guess: a FETCH of a name it does not hold is refused (AL0931), and a name it dropped too early is only
/// refused, never shown unmasked.
/// </remarks>
internal sealed class CursorRegistry
{
    private readonly Dictionary<string, CursorEntry> _byName = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _transactionFailed;

    public CursorEntry? Find(string name)
    {
        lock (_lock)
        {
            return _byName.GetValueOrDefault(name);
        }
    }

    public void Declare(CursorEntry entry)
    {
        lock (_lock)
        {
            _byName[entry.Name] = entry;
        }
    }

    public void Close(string name)
    {
        lock (_lock)
        {
            _byName.Remove(name);
        }
    }

    public void CloseAll()
    {
        lock (_lock)
        {
            _byName.Clear();
        }
    }

    /// <summary>An error or a ROLLBACK: the open transaction will not commit, so its cursors (even WITH HOLD) die with it.</summary>
    public void TransactionFailed()
    {
        lock (_lock)
        {
            _transactionFailed = true;
        }
    }

    /// <summary>ReadyForQuery says idle: the transaction ended.</summary>
    public void TransactionEnded()
    {
        lock (_lock)
        {
            foreach (var entry in _byName.Values.ToList())
            {
                if (!entry.Hold || (entry.InTransaction && _transactionFailed))
                {
                    _byName.Remove(entry.Name);
                }
                else
                {
                    entry.InTransaction = false;
                }
            }

            _transactionFailed = false;
        }
    }
}
