using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Airlock.Postgres.Protocol;
using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

internal sealed partial class PgClientConnection
{
    // A value in text format is text whatever its type: every value of COPY's text and CSV output
    // (https://www.postgresql.org/docs/15/sql-copy.html), and an undescribed column's text-format values.
    // The planner treats such columns as text (type text's OID): the detectors read them, and a masked value fits.
    private const int TextOid = 25;

    /// <summary>
    /// CopyOutResponse: plans the COPY's columns as a SELECT of them would be planned (lineage from the
    /// statement; a whole table's columns from the catalog), or, when its rows cannot be split and a
    /// column needs masking of its own, answers with an error instead and drops the rest of this COPY.
    /// </summary>
    private async ValueTask OnCopyOutResponseAsync(Expected? head, byte[] payload, ReadOnlySequence<byte> whole, PipeWriter client, CancellationToken cancellationToken)
    {
        if (head?.Action is not { } action)
        {
            Forward(whole, client);
            return;
        }

        var r = new PgReader(payload);
        var binary = r.ReadByte() == 1;
        var count = r.ReadInt16();
        if (count < 0)
        {
            throw new PgProtocolException($"a CopyOutResponse announces {count} columns");
        }

        var statement = await CopyStatementAsync(head, action, count, cancellationToken);
        var names = statement is not null && statement.Columns.Count == count ? statement.Columns.Select(c => c.Name).ToArray() : null;
        var fields = Enumerable.Range(0, count).Select(i => new RowField(names?[i] ?? "?column?", 0, 0, TextOid, -1, -1, binary ? (short)1 : (short)0)).ToArray();
        var plan = await ResultPlanner.PlanAsync(fields, statement, _session!, Policy, Masking, _catalog!, cancellationToken);
        var (layout, header) = CopyOutFormat.Of(binary, statement?.Normalized);
        var copy = new CopyOutStream(layout, header, plan, Masking);
        action.CopyOut = copy;
        if (copy.CanMask)
        {
            Forward(whole, client);
            return;
        }

        copy.Refused = true;
        action.ErrorCode = GatewayErrors.CopyNotMaskable.SqlState;
        action.Error = GatewayErrors.CopyNotMaskable.Message;
        _clientMessages.Error(client, GatewayErrors.CopyNotMaskable);
    }

    /// <summary>
    /// The COPY statement being answered. <c>COPY table TO STDOUT</c> has one lineage column for the
    /// whole table; it is spread into the table's columns (in attribute order, as COPY writes them) when
    /// the catalog knows the table and the count agrees. Otherwise every column counts as the whole table's.
    /// </summary>
    private async ValueTask<StatementAnalysis?> CopyStatementAsync(Expected head, ActionInFlight action, int count, CancellationToken cancellationToken)
    {
        var statements = head.Kind == ExpectedKind.Execute && head.Portal is { } portal ? portal.Statement.Verdict.Analysis.Statements : action.Verdict.Analysis.Statements;
        var index = head.Kind == ExpectedKind.Execute ? 0 : action.StatementIndex;
        var statement = index < statements.Count ? statements[index] : null;
        if (statement is not { Columns: [{ Name: "*", From: [var source] }] } || count == 1 || !source.EndsWith(".*", StringComparison.Ordinal))
        {
            return statement;
        }

        var table = await _catalog!.TableAsync(source[..^2], cancellationToken);
        return table is not null && table.Columns.Count == count
            ? statement with { Columns = [.. table.Columns.OrderBy(c => c.Key).Select(c => new OutputColumn(c.Value, [$"{table.QualifiedName}.{c.Value}"]) { Direct = true })] }
            : statement;
    }

    /// <summary>COPY TO STDOUT data: masked value by value by the COPY's plan; without a decided action, by the detectors.</summary>
    private void OnCopyData(Expected? head, ReadOnlySpan<byte> payload, PipeWriter client)
    {
        if (head?.Action is not { CopyOut: { } copy } action)
        {
            var text = Utf8(payload);
            var masked = MaskText(text);
            _clientMessages.Start((byte)'d').Bytes(ReferenceEquals(masked, text) ? payload : Encoding.UTF8.GetBytes(masked)).Finish(client);
            return;
        }

        if (copy.Refused)
        {
            return;
        }

        copy.Write(payload, head.Portal, action, _clientMessages, client);
        if (copy.NulledColumn is { } nulled && !action.NulledNoticeSent)
        {
            action.NulledNoticeSent = true;
            _clientMessages.Notice(client, $"AL0903: column \"{nulled}\" is masked, and in binary COPY its type is not known, so it is shown as NULL");
        }
    }

    /// <summary>True for the messages that end a refused COPY (CopyDone, its CommandComplete): the client was told no already.</summary>
    private static bool IsRefusedCopy(Expected? head) => head?.Action?.CopyOut is { Refused: true };
}
