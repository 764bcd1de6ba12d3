namespace Airlock.Store;

public enum StoreKind
{
    /// <summary>One file in WAL mode: the embedded default for a single gateway.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by several gateway instances.</summary>
    Postgres,
}
