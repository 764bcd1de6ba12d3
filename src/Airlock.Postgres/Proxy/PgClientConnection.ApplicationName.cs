using System.Buffers;
using Airlock.Pipeline;
using Airlock.Postgres.Protocol;
using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// application_name under the gateway's mark (issue 14, class F: alice could SET it to look like bob). The
/// upstream name is always <c>airlock:USER</c> or <c>airlock:USER:APP</c>: a client's
/// <c>SET application_name = 'APP'</c> (pgJDBC sends one at connect) goes upstream as
/// <c>SET application_name = 'airlock:USER:APP'</c>, a name that claims the mark itself is refused by the
/// guard (AL0951), and RESET returns to the name the session started with. The client is shown its own
/// part, as at login. Any reported name outside the mark ends the session (AL0950).
/// </summary>
internal sealed partial class PgClientConnection
{
    /// <summary>
    /// The session's mark upstream: <c>airlock:USER</c>, in printable ASCII. The server keeps only printable
    /// ASCII in application_name (pg_clean_ascii: '?' per other byte in 15, \xNN from 16), so the gateway sends
    /// the mark already cleaned, as 15 would: the name it pins is then the name the server reports.
    /// </summary>
    private string Mark => "airlock:" + PrintableAscii(_session!.User.Name);

    private static string PrintableAscii(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        return string.Create(bytes.Length, bytes, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] is >= 32 and <= 126 ? (char)source[i] : '?';
            }
        });
    }

    /// <summary>
    /// The text to send upstream in place of a lone <c>SET [LOCAL] application_name = 'APP'</c>: the same SET of
    /// <c>airlock:USER:APP</c>. Null when the statement is anything else (it goes as it came).
    /// </summary>
    private string? MarkedApplicationName(StatementVerdict verdict)
    {
        if (verdict.Analysis.Statements is not [{ Setting: { Name: "application_name", Action: SettingAction.Set, Value: { } value } change }])
        {
            return null;
        }

        var marked = value.Length == 0 ? Mark : $"{Mark}:{value}";
        return $"SET {(change.Local ? "LOCAL " : string.Empty)}application_name = '{marked.Replace("'", "''", StringComparison.Ordinal)}'";
    }

    /// <summary>Writes a Query of <paramref name="sql"/> upstream (in place of the client's).</summary>
    private void WriteQuery(IBufferWriter<byte> upstream, string sql) => _upstreamMessages.Query(upstream, sql);

    /// <summary>Writes the client's Parse upstream with <paramref name="sql"/> in place of its statement, its name and parameter types kept.</summary>
    private void WriteParse(IBufferWriter<byte> upstream, string name, string sql, ReadOnlySpan<byte> parameterTypes) =>
        _upstreamMessages.Start((byte)'P').CString(name).CString(sql).Bytes(parameterTypes).Finish(upstream);

    /// <summary>Whether a reported application_name stays under the session's mark, and claims no other.</summary>
    private bool UnderMark(string application)
    {
        var mark = Mark;
        if (application == mark)
        {
            return true;
        }

        return application.StartsWith(mark + ":", StringComparison.Ordinal)
            && !application.AsSpan(mark.Length + 1).Contains("airlock:", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>What the client is shown of an upstream application_name: its own part, as at login.</summary>
    private string ShownApplicationName(string application) =>
        application.StartsWith(Mark + ":", StringComparison.Ordinal) ? application[(Mark.Length + 1)..] : string.Empty;
}
