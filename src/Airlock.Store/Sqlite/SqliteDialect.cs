using System.Data.Common;
using Airlock.Store.Relational;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Airlock.Store.Sqlite;

/// <summary>
/// SQLite in WAL mode (https://www.sqlite.org/wal.html): readers never block the writer, and a commit is
/// an append to the -wal file.
/// <list type="bullet">
/// <item><b>crash</b>: <c>synchronous=NORMAL</c>. A commit has been written to the WAL file, which is in the
/// kernel's page cache and survives a crash of this process. A timer fsyncs the WAL every
/// <see cref="StoreOptions.CrashFlushInterval"/> when something was committed, which bounds a power loss.</item>
/// <item><b>power</b>: <c>synchronous=FULL</c>. SQLite fsyncs the WAL at every commit; batching appends into one
/// transaction is what shares that fsync among concurrent sessions.</item>
/// </list>
/// </summary>
internal sealed class SqliteDialect : StoreDialect
{
    // SQLite primary result codes (https://www.sqlite.org/rescode.html).
    private const int SqliteReadOnly = 8;
    private const int SqliteIoErr = 10;
    private const int SqliteCorrupt = 11;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;
    private const int SqliteConstraint = 19;
    private const int SqliteNotADb = 26;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly StoreOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _flusher;
    private SafeFileHandle? _wal;
    private int _dirty;
    private int _filesChecked;
    private SqliteCommand? _insert;

    public SqliteDialect(StoreOptions options)
    {
        _options = options;
        _path = options.Location.Target;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = options.ReadOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,

            // Microsoft.Data.Sqlite retries SQLITE_BUSY for up to this long, so a second process writing
            // (an admin command beside the gateway) waits for the lock instead of failing.
            DefaultTimeout = 30,
        }.ToString();
        if (!options.ReadOnly && options.Durability == AuditDurability.Crash)
        {
            _flusher = Task.Run(FlushLoopAsync);
        }
    }

    public override StoreKind Kind => StoreKind.Sqlite;

    public override string Description => _path;

    public override IReadOnlyList<StoreMigration> Migrations { get; } = StoreSchema.For(StoreKind.Sqlite);

    public override string LockHeadClause => string.Empty;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_options.ReadOnly && !File.Exists(_path))
        {
            throw new StoreException(StoreErrors.CannotOpen, $"the store {_path} does not exist");
        }

        // Once per store, before SQLite first creates anything: private files in a directory only we may write.
        var first = !_options.ReadOnly && Interlocked.Exchange(ref _filesChecked, 1) == 0;
        if (first)
        {
            SqliteFileModes.Prepare(_path, _options.Warning);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var pragmas = _options.ReadOnly
                ? "PRAGMA query_only = ON;"
                : $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {(_options.Durability == AuditDurability.Power ? "FULL" : "NORMAL")}; PRAGMA foreign_keys = ON;";
            if (_options.SqliteMaxPageCount is { } maxPages)
            {
                pragmas += $" PRAGMA max_page_count = {maxPages};";
            }

            await using var command = Db.Command(connection, pragmas);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            if (first)
            {
                SqliteFileModes.CheckCompanions(_path, _options.Warning);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        // deferred: false is BEGIN IMMEDIATE: take the write lock now, not at the first write, so two
        // writers never deadlock upgrading from read to write.
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override ValueTask LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ValueTask.CompletedTask; // BEGIN IMMEDIATE already excludes other writers.

    public override async ValueTask InsertAuditRowsAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        var insert = PreparedInsert((SqliteConnection)connection);
        insert.Transaction = (SqliteTransaction)transaction;
        var p = insert.Parameters;
        foreach (var row in rows)
        {
            p[0].Value = row.Seq;
            p[1].Value = row.TimeMicros;
            p[2].Value = row.Kind;
            p[3].Value = (object?)row.User ?? DBNull.Value;
            p[4].Value = (object?)row.Resource ?? DBNull.Value;
            p[5].Value = (object?)row.Decision ?? DBNull.Value;
            p[6].Value = (object?)row.SessionId ?? DBNull.Value;
            p[7].Value = row.Body;
            p[8].Value = row.Hash;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Committed() => Volatile.Write(ref _dirty, 1);

    public override StoreException? Translate(Exception exception) => exception switch
    {
        StoreException store => store,
        SqliteException { SqliteErrorCode: SqliteReadOnly } e => new(StoreErrors.ReadOnly, $"the store {_path} is read-only ({e.Message}); check the file's permissions and the disk's mount options", e),
        SqliteException { SqliteErrorCode: SqliteFull } e => new(StoreErrors.Full, $"the store {_path} is full: the disk has no space left, or the database reached its size limit ({e.Message})", e),
        SqliteException { SqliteErrorCode: SqliteCantOpen } e => new(StoreErrors.CannotOpen, $"the store {_path} cannot be opened ({e.Message}); check that the directory exists and is writable", e),
        SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADb } e => new(StoreErrors.IoError, $"the store {_path} is damaged or not an SQLite database ({e.Message})", e),
        SqliteException { SqliteErrorCode: SqliteConstraint } e => new(StoreErrors.Conflict, $"the store {_path} refused a write that conflicts with existing data ({e.Message})", e),
        SqliteException { SqliteErrorCode: SqliteIoErr } e => new(StoreErrors.IoError, $"the store {_path} had an I/O error ({e.Message})", e),
        SqliteException e => new(StoreErrors.Unavailable, $"the store {_path} failed ({e.Message})", e),
        IOException e => new(StoreErrors.IoError, $"the store {_path} had an I/O error ({e.Message})", e),
        UnauthorizedAccessException e => new(StoreErrors.ReadOnly, $"the store {_path} is not accessible ({e.Message})", e),
        _ => null,
    };

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_flusher is not null)
        {
#pragma warning disable VSTHRD003 // The flush loop is this object's own task, started in its constructor.
            await _flusher.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }

        FlushWal();
        _wal?.Dispose();
        if (_insert is not null)
        {
            await _insert.DisposeAsync().ConfigureAwait(false);
        }

        // Pooled connections keep the file open; a closed store should let go of it.
        SqliteConnection.ClearAllPools();
        _stop.Dispose();
    }

    private SqliteCommand PreparedInsert(SqliteConnection connection)
    {
        if (_insert?.Connection != connection)
        {
            _insert?.Dispose();
            _insert = connection.CreateCommand();
            _insert.CommandText = "INSERT INTO audit_events (seq, time, kind, user_name, resource, decision, session_id, body, hash) VALUES ($seq, $time, $kind, $user, $resource, $decision, $session, $body, $hash)";
            foreach (var name in (string[])["$seq", "$time", "$kind", "$user", "$resource", "$decision", "$session", "$body", "$hash"])
            {
                _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }

        return _insert;
    }

    private async Task FlushLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.CrashFlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                FlushWal();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal: the final flush happens in DisposeAsync.
        }
    }

    /// <summary>fsync(2) of the WAL file when something was committed since the last flush.</summary>
    private void FlushWal()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        try
        {
            // fsync flushes the file's dirty pages whichever descriptor wrote them, so a handle of our own
            // can make SQLite's writes durable. The WAL is reused, not deleted, while the store is open.
            _wal ??= File.OpenHandle(_path + "-wal", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.FlushToDisk(_wal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next commit marks the log dirty again and the next tick retries; appends keep their
            // crash guarantee meanwhile. Reopen in case the WAL file was replaced.
            _wal?.Dispose();
            _wal = null;
            Volatile.Write(ref _dirty, 1);
        }
    }
}
