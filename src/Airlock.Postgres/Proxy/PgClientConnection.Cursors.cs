using System.Buffers;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy.Model;
using Airlock.Postgres.Protocol;
using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Cursors and undescribed portals (issue 14, class D). A FETCH's RowDescription says nothing of where its
/// computed columns come from, so the gateway keeps each cursor's DECLARE analysis and plans the FETCH by
/// it; a FETCH of a cursor it did not see declared is refused (AL0931). A portal executed without a
/// Describe is described by the gateway itself, so no column passes with an unknown type or lineage.
/// <code>
///  DECLARE c … FOR q ─► cursors[c] = analysis of q (lineage, tables, max_rows)    CLOSE / CLOSE ALL / DISCARD ALL ─► drop
///  FETCH n FROM c ──── cursors[c]? ─ no ─► AL0931 (nothing forwarded)
///                                  └ yes ─► rows planned by q's lineage, max_rows counted across fetches
///  end of transaction ─► drop cursors WITHOUT HOLD, and WITH HOLD ones whose transaction did not commit
/// </code>
/// </summary>
internal sealed partial class PgClientConnection
{
    /// <summary>The rule id recorded for a FETCH or MOVE of a cursor the gateway does not know.</summary>
    private const string UnknownCursorRule = "airlock:unknown-cursor";

    private readonly CursorRegistry _cursors = new();

    /// <summary>
    /// What a text does with cursors, statement by statement, and whether it reads masked data; or the
    /// refusal, when it fetches from a cursor the gateway does not know. Nothing is changed until
    /// <see cref="ApplyCursors"/>, once the statement is sure to be forwarded.
    /// </summary>
    private async ValueTask<(CursorEntry?[] ByStatement, bool ReadsMasked, PgError? Refusal)> PlanCursorsAsync(SqlAnalysis analysis, long? maxRows, CancellationToken cancellationToken)
    {
        var statements = analysis.Statements;
        var byStatement = new CursorEntry?[statements.Count];
        var local = new Dictionary<string, CursorEntry?>(StringComparer.Ordinal);
        var closedAll = false;
        var readsMasked = analysis.Error is not null;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            switch (statement.Cursor)
            {
                case { Action: CursorAction.Fetch or CursorAction.Move, Name: var name }:
                    var entry = name is null ? null : local.TryGetValue(name, out var declared) ? declared : closedAll ? null : FindCursor(name);
                    if (entry is null)
                    {
                        return (byStatement, true, GatewayErrors.UnknownCursor(name));
                    }

                    byStatement[i] = entry;
                    readsMasked |= entry.ReadsMasked;
                    break;
                case { Action: CursorAction.Declare, Name: { } name, Hold: var hold }:
                    var masked = await MaskedReads.StatementAsync(statement, _session!, Policy, _catalog!, cancellationToken);
                    local[name] = byStatement[i] = new CursorEntry(name, statement, hold, maxRows, masked);
                    readsMasked |= masked;
                    break;
                case { Action: CursorAction.Close, Name: { } name }:
                    local[name] = null;
                    break;
                case { Action: CursorAction.CloseAll }:
                    local.Clear();
                    closedAll = true;
                    break;
                default:
                    readsMasked = readsMasked || await MaskedReads.StatementAsync(statement, _session!, Policy, _catalog!, cancellationToken);
                    break;
            }
        }

        return (byStatement, readsMasked, null);
    }

    /// <summary>
    /// A cursor by the name the server will look up: one declared through the gateway, or a portal the
    /// client bound in the extended protocol (cursors and portals share one namespace, so FETCH reads
    /// those too). A portal whose statement is itself a cursor operation is not traced further.
    /// </summary>
    private CursorEntry? FindCursor(string name)
    {
        if (_cursors.Find(name) is { } declared)
        {
            return declared;
        }

        return _portals.TryGetValue(name, out var portal) && portal.Statement.Verdict.Analysis.Statements is [{ Cursor: null } statement]
            ? new CursorEntry(name, statement, hold: false, portal.Verdict.MaxRows, portal.Statement.ReadsMasked, portal)
            : null;
    }

    /// <summary>Declares and closes in the registry, in the text's order, as the server will.</summary>
    private void ApplyCursors(SqlAnalysis analysis, CursorEntry?[] byStatement)
    {
        for (var i = 0; i < analysis.Statements.Count; i++)
        {
            switch (analysis.Statements[i].Cursor)
            {
                case { Action: CursorAction.Declare } when byStatement[i] is { } declared:
                    _cursors.Declare(declared);
                    break;
                case { Action: CursorAction.Close, Name: { } name }:
                    _cursors.Close(name);
                    break;
                case { Action: CursorAction.CloseAll }:
                    _cursors.CloseAll();
                    break;
            }
        }
    }

    /// <summary>The refusal of a FETCH or MOVE of an unknown cursor, recorded as blocked under its own rule id.</summary>
    private async ValueTask RefuseUnknownCursorAsync(StatementVerdict verdict, PgError refusal, bool simpleQuery, CancellationToken cancellationToken)
    {
        await RecordBlockedAsync(verdict with { Effect = RuleEffect.Deny, RuleId = UnknownCursorRule, RuleMessage = refusal.Message }, cancellationToken);
        Refuse(refusal, simpleQuery);
    }

    /// <summary>
    /// Before an Execute of a portal nobody described: the gateway's own Describe, whose answer plans the
    /// rows and stays in the gateway. A FETCH is described every time: its columns are its cursor's.
    /// </summary>
    private void DescribeUndescribed(Portal portal, IBufferWriter<byte> upstream)
    {
        if (portal.Fields is not null || (portal.Statement.Fields is not null && !IsFetch(portal.Statement.Verdict.Analysis.Statements, 0)))
        {
            return;
        }

        _tracker.Enqueue(new Expected(ExpectedKind.DescribePortal) { Portal = portal, Hidden = true });
        _upstreamMessages.Start((byte)'D').Byte((byte)'P').CString(portal.Name).Finish(upstream);
    }

    private static bool IsFetch(IReadOnlyList<StatementAnalysis> statements, int index) =>
        index < statements.Count && statements[index].Cursor is { Action: CursorAction.Fetch };

    /// <summary>The cursor a FETCH at this statement index reads (captured when it was forwarded), or null for any other statement.</summary>
    private static CursorEntry? FetchedCursor(ActionInFlight action, IReadOnlyList<StatementAnalysis> statements, int index) =>
        IsFetch(statements, index) && action.Cursors is { } cursors && index < cursors.Length ? cursors[index] : null;

    /// <summary>
    /// Rows whose columns the gateway cannot trace (a FETCH with no cursor, a portal with no description):
    /// every value is masked whole, which for a value of unknown type means NULL (with AL0903).
    /// </summary>
    private ResultPlan UntracedPlan(int count, IReadOnlyList<RowField>? fields)
    {
        var engine = Masking;
        return new ResultPlan([.. Enumerable.Range(0, count).Select(i =>
        {
            var name = fields is not null && i < fields.Count ? fields[i].Name : "?column?";
            return new ColumnPlan(name, engine.ForColumn(name, MaskingStrategy.Redact, EntityTypes.Secret), TextType: false, 0, 0, "untraced");
        })]);
    }

    /// <summary>Protocol Close of a portal: a cursor of that name is closed with it (one namespace).</summary>
    private void OnPortalClosed(string name) => _cursors.Close(name);

    /// <summary>A ReadyForQuery: at idle the transaction is over, and its cursors and its masked-read mark end with it.</summary>
    private void OnTransactionStatus(byte status)
    {
        if (status == (byte)'I')
        {
            _cursors.TransactionEnded();
            _maskedInTransaction = false;
        }
        else if (status == (byte)'E')
        {
            _cursors.TransactionFailed();
        }
    }
}
