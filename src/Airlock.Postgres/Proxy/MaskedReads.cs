using Airlock.Pipeline;
using Airlock.Policy.Evaluation;
using Airlock.Sql;
using Airlock.Sql.Analysis;

namespace Airlock.Postgres.Proxy;

/// <summary>
/// Whether a statement reads data that is masked for this principal, or data whose lineage the gateway
/// cannot follow (issue 14, class C). Such a statement's errors and notices are withheld whole: the
/// server's text can quote any value it touched (<c>string_agg(…)::int</c> puts a whole table in one
/// "invalid input syntax" message), and error text has no columns to mask by.
/// </summary>
/// <remarks>
/// Counted as reading masked data:
/// <list type="bullet">
/// <item>a table it reads or writes with any column policy masks for the principal, whichever columns it names;</item>
/// <item>a relation the catalog does not show as a plain table (a view, a foreign table, one it cannot find);</item>
/// <item>a call of a function defined outside pg_catalog (its body may read anything);</item>
/// <item>a lineage source the analyzer could not resolve, a statement that runs SQL the gateway does not
/// see (EXECUTE, DO, CALL), and text that does not parse.</item>
/// </list>
/// Writes count too: a check or not-null violation quotes the whole failing row.
/// </remarks>
internal static class MaskedReads
{
    private static readonly HashSet<string> OpaqueCommands = new(StringComparer.Ordinal) { "ExecuteStmt", "DoStmt", "CallStmt", "PrepareStmt" };

    public static async ValueTask<bool> AnyAsync(SqlAnalysis analysis, GatewaySession session, PolicySnapshot snapshot, PgCatalog catalog, CancellationToken cancellationToken)
    {
        if (analysis.Error is not null)
        {
            return true;
        }

        foreach (var statement in analysis.Statements)
        {
            if (await StatementAsync(statement, session, snapshot, catalog, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    public static async ValueTask<bool> StatementAsync(StatementAnalysis statement, GatewaySession session, PolicySnapshot snapshot, PgCatalog catalog, CancellationToken cancellationToken)
    {
        if (statement.Kind == StatementKind.Unknown || OpaqueCommands.Contains(statement.Command)
            || statement.Columns.Any(c => c.From.Contains("?", StringComparer.Ordinal)))
        {
            return true;
        }

        var principal = session.PrincipalFor(snapshot);
        foreach (var name in statement.TablesRead.Concat(statement.TablesWritten).Distinct(StringComparer.Ordinal))
        {
            if (await catalog.TableAsync(name, cancellationToken) is not { } table || !await catalog.IsPlainTableAsync(name, cancellationToken)
                || table.Columns.Values.Any(c => snapshot.ResolveColumnMasking(principal, session.Resource, table.QualifiedName + "." + c).Masked))
            {
                return true;
            }
        }

        foreach (var function in statement.Functions.Distinct(StringComparer.Ordinal))
        {
            if (await catalog.IsUserFunctionAsync(function, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }
}
