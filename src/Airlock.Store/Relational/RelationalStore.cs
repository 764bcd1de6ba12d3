using System.Data.Common;

namespace Airlock.Store.Relational;

/// <summary>
/// The store over a relational backend. Opening applies pending migrations; each area (audit, sessions,
/// approvals, grants, tokens, policy revisions) is a small class over the same <see cref="StoreDialect"/>.
/// </summary>
internal sealed class RelationalStore : IAirlockStore
{
    private readonly StoreDialect _dialect;
    private readonly RelationalAuditLog _audit;
    private int _disposed;

    private RelationalStore(StoreDialect dialect, StoreOptions options, int schemaVersion)
    {
        _dialect = dialect;
        Durability = options.Durability;
        SchemaVersion = schemaVersion;
        _audit = new RelationalAuditLog(dialect, options.ReadOnly);
        Sessions = new RelationalSessionStore(dialect);
        Approvals = new RelationalApprovalStore(dialect);
        Grants = new RelationalGrantStore(dialect);
        ApiTokens = new RelationalApiTokenStore(dialect);
        LoginTokens = new RelationalLoginTokenStore(dialect);
        MfaStepUps = new RelationalMfaStepUpStore(dialect);
        PolicyRevisions = new RelationalPolicyRevisionStore(dialect);
    }

    public StoreKind Kind => _dialect.Kind;

    public string Description => _dialect.Description;

    public AuditDurability Durability { get; }

    public int SchemaVersion { get; }

    public IAuditLog Audit => _audit;

    public ISessionStore Sessions { get; }

    public IApprovalStore Approvals { get; }

    public IGrantStore Grants { get; }

    public IApiTokenStore ApiTokens { get; }

    public ILoginTokenStore LoginTokens { get; }

    public IMfaStepUpStore MfaStepUps { get; }

    public IPolicyRevisionStore PolicyRevisions { get; }

    public static async ValueTask<RelationalStore> OpenAsync(StoreDialect dialect, StoreOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var version = options.ReadOnly
                ? await ReadSchemaVersionAsync(dialect, cancellationToken).ConfigureAwait(false)
                : await MigrateAsync(dialect, cancellationToken).ConfigureAwait(false);
            return new RelationalStore(dialect, options, version);
        }
        catch (Exception ex) when (dialect.Translate(ex) is not null)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw dialect.Translate(ex)!;
        }
        catch
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _audit.DisposeAsync().ConfigureAwait(false);
        await _dialect.DisposeAsync().ConfigureAwait(false);
    }

    private static async ValueTask<int> MigrateAsync(StoreDialect dialect, CancellationToken cancellationToken)
    {
        var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var latest = dialect.Migrations[^1].Version;
            var current = 0;
            foreach (var migration in dialect.Migrations)
            {
                var transaction = await dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    await dialect.LockForMigrationAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    await using (var create = Db.Command(connection, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)", transaction))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    current = await CurrentVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                    if (current > latest)
                    {
                        throw new StoreException(
                            StoreErrors.SchemaTooNew,
                            $"the store {dialect.Description} has schema version {current}, newer than this airlock knows ({latest}); upgrade airlock before using this store");
                    }

                    if (migration.Version <= current)
                    {
                        continue;
                    }

                    await using (var apply = Db.Command(connection, migration.Sql, transaction))
                    {
                        await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using (var record = Db.Command(connection, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @t)", transaction)
                        .With("@v", migration.Version).With("@n", migration.Name).With("@t", UnixMicros.From(DateTimeOffset.UtcNow)))
                    {
                        await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    current = migration.Version;
                }
            }

            return current;
        }
    }

    private static async ValueTask<int> ReadSchemaVersionAsync(StoreDialect dialect, CancellationToken cancellationToken)
    {
        var connection = await dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            int version;
            try
            {
                version = await CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
            }
            catch (DbException)
            {
                version = 0;
            }

            if (version == 0)
            {
                throw new StoreException(StoreErrors.CannotOpen, $"{dialect.Description} is not an Airlock store (no schema); start the gateway once to create it");
            }

            if (version > dialect.Migrations[^1].Version)
            {
                throw new StoreException(StoreErrors.SchemaTooNew, $"the store {dialect.Description} has schema version {version}, newer than this airlock knows ({dialect.Migrations[^1].Version}); upgrade airlock");
            }

            return version;
        }
    }

    private static async ValueTask<int> CurrentVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var command = Db.Command(connection, "SELECT coalesce(max(version), 0) FROM schema_migrations", transaction);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
