using System.Data.Common;

namespace Airlock.Store.Relational;

/// <summary>
/// Base of the small state areas (sessions, approvals, grants, tokens, policy revisions): one connection per
/// call from the backend's pool, and every backend failure translated to a <see cref="StoreException"/>.
/// </summary>
internal abstract class RelationalArea
{
    protected RelationalArea(StoreDialect dialect) => Dialect = dialect;

    protected StoreDialect Dialect { get; }

    /// <summary>Runs one statement; returns the number of rows it changed.</summary>
    protected async ValueTask<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await Dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = Db.Command(connection, sql);
                bind(command);
                var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                Dialect.Committed();
                return changed;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && Dialect.Translate(ex) is not null)
        {
            throw Dialect.Translate(ex)!;
        }
    }

    /// <summary>Runs one query and maps each row.</summary>
    protected async ValueTask<IReadOnlyList<T>> QueryAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await Dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using var command = Db.Command(connection, sql);
                bind(command);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var results = new List<T>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        results.Add(map(reader));
                    }

                    return results;
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && Dialect.Translate(ex) is not null)
        {
            throw Dialect.Translate(ex)!;
        }
    }

    protected async ValueTask<T?> QuerySingleAsync<T>(string sql, Action<DbCommand> bind, Func<DbDataReader, T> map, CancellationToken cancellationToken)
        where T : class
    {
        var rows = await QueryAsync(sql, bind, map, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    protected static void NoParameters(DbCommand command)
    {
    }
}
