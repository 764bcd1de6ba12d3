using System.Data.Common;
using Airlock.Store;
using Microsoft.Data.Sqlite;

namespace Airlock.Audit.Tests.Support;

public sealed class SqliteHarness : StoreHarness
{
    private readonly string _directory = Directory.CreateTempSubdirectory("airlock-audit-").FullName;

    public SqliteHarness() => Location = StoreLocation.Sqlite(Path.Combine(_directory, "airlock.db"));

    public override StoreLocation Location { get; }

    public string DatabasePath => Location.Target;

    public override async Task<DbConnection> OpenDirectAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    public override string ReplaceInBody(string from, string to) => $"CAST(replace(CAST(body AS TEXT), '{from}', '{to}') AS BLOB)";

    /// <summary>Every byte the store wrote: the database and its WAL.</summary>
    public byte[] AllBytes() =>
        [.. Directory.EnumerateFiles(_directory).SelectMany(File.ReadAllBytes)];

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
