namespace Airlock.Store.Relational;

/// <summary>One versioned schema change. Applied in its own transaction, at most once per store.</summary>
internal sealed record StoreMigration(int Version, string Name, string Sql);
