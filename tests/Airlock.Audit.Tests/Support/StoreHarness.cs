using System.Data.Common;
using Airlock.Store;

namespace Airlock.Audit.Tests.Support;

/// <summary>A real store to test against, and a way around the gateway to it: the tamperer's own connection.</summary>
public abstract class StoreHarness : IAsyncDisposable
{
    public abstract StoreLocation Location { get; }

    public Task<IAirlockStore> OpenAsync(AuditDurability durability = AuditDurability.Crash, bool readOnly = false) =>
        StoreFactory.OpenAsync(new StoreOptions { Location = Location, Durability = durability, ReadOnly = readOnly }).AsTask();

    /// <summary>A direct connection, as an admin with database access (the attacker) would have.</summary>
    public abstract Task<DbConnection> OpenDirectAsync();

    /// <summary>SQL that returns body with every <paramref name="from"/> replaced by <paramref name="to"/>.</summary>
    public abstract string ReplaceInBody(string from, string to);

    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenDirectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            command.Parameters.Add(p);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public abstract ValueTask DisposeAsync();
}
