using System.Data.Common;
using System.Net.Sockets;
using Airlock.Store.Relational;
using Npgsql;
using NpgsqlTypes;

namespace Airlock.Store.Postgres;

/// <summary>
/// PostgreSQL, for several gateway instances sharing state. The audit head row is locked
/// (<c>SELECT … FOR UPDATE</c>) for the length of each append, which keeps one chain across instances.
/// <list type="bullet">
/// <item><b>crash</b>: <c>synchronous_commit = off</c>. The commit is in the server before the action goes on,
/// so a gateway crash loses nothing; the server flushes its WAL within 3 × <c>wal_writer_delay</c>
/// (https://www.postgresql.org/docs/15/wal-async-commit.html), which bounds a server power loss.</item>
/// <item><b>power</b>: <c>synchronous_commit = on</c>. The commit returns after the server's WAL fsync;
/// PostgreSQL's own group commit shares it between concurrent transactions.</item>
/// </list>
/// </summary>
internal sealed class PostgresDialect : StoreDialect
{
    // An arbitrary, fixed key for pg_advisory_xact_lock: migrations of one database run one at a time.
    private const long MigrationLockKey = 0x4169726C6F636B; // "Airlock"

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(StoreOptions options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Location.Target)
        {
            Options = options.Durability == AuditDurability.Crash ? "-c synchronous_commit=off" : "-c synchronous_commit=on",
        };
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "airlock";
        }

        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
        Description = options.Location.Description;
        ReadOnly = options.ReadOnly;
    }

    public override StoreKind Kind => StoreKind.Postgres;

    public override string Description { get; }

    public override IReadOnlyList<StoreMigration> Migrations { get; } = StoreSchema.For(StoreKind.Postgres);

    public override string LockHeadClause => " FOR UPDATE";

    private bool ReadOnly { get; }

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (ReadOnly)
        {
            await using var command = Db.Command(connection, "SET default_transaction_read_only = on");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return connection;
    }

    public override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

    public override async ValueTask LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = Db.Command(connection, "SELECT pg_advisory_xact_lock(@key)", transaction).With("@key", MigrationLockKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask InsertAuditRowsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        // Binary COPY sends the whole batch in one stream instead of one round trip per row.
        var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            "COPY audit_events (seq, time, kind, user_name, resource, decision, session_id, body, hash) FROM STDIN (FORMAT BINARY)",
            cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.TimeMicros, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Kind, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, row.User, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, row.Resource, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, row.Decision, cancellationToken).ConfigureAwait(false);
                await WriteTextAsync(importer, row.SessionId, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Body, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Hash, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override StoreException? Translate(Exception exception) => exception switch
    {
        StoreException store => store,
        PostgresException { SqlState: "53100" } e => new(StoreErrors.Full, $"the store {Description} is full: the server's disk has no space left ({e.MessageText})", e),
        PostgresException { SqlState: "25006" } e => new(StoreErrors.ReadOnly, $"the store {Description} is read-only ({e.MessageText}); is this a standby, or default_transaction_read_only set?", e),
        PostgresException { SqlState: "42501" } e => new(StoreErrors.ReadOnly, $"the store {Description} refused a write: permission denied ({e.MessageText})", e),
        // Class 23, integrity constraint violation: unique, foreign key, not null, check (as SQLITE_CONSTRAINT on SQLite).
        PostgresException e when e.SqlState.StartsWith("23", StringComparison.Ordinal) => new(StoreErrors.Conflict, $"the store {Description} refused a write that conflicts with existing data ({e.ConstraintName ?? e.MessageText})", e),
        PostgresException { SqlState: "28P01" or "28000" } e => new(StoreErrors.CannotOpen, $"the store {Description} refused the login ({e.MessageText})", e),
        PostgresException { SqlState: "3D000" } e => new(StoreErrors.CannotOpen, $"the store {Description} does not exist ({e.MessageText})", e),
        PostgresException e => new(StoreErrors.Unavailable, $"the store {Description} failed: {e.SqlState} {e.MessageText}", e),
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } e => new(StoreErrors.Unavailable, $"the store {Description} cannot be reached ({e.InnerException!.Message})", e),
        NpgsqlException e => new(StoreErrors.Unavailable, $"the store {Description} failed ({e.Message})", e),
        _ => null,
    };

    public override async ValueTask DisposeAsync() => await _dataSource.DisposeAsync().ConfigureAwait(false);

    private static async Task WriteTextAsync(NpgsqlBinaryImporter importer, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await importer.WriteAsync(value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }
    }
}
