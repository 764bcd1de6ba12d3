using Npgsql;

namespace Airlock.Store;

/// <summary>
/// Where a store lives, parsed from one string:
/// <list type="bullet">
/// <item><c>sqlite:PATH</c> or a path ending in <c>.db</c>: an SQLite file.</item>
/// <item><c>postgres://user:pw@host:port/db?sslmode=require</c> (or <c>postgresql://</c>): a PostgreSQL database.</item>
/// <item><c>postgres:Host=…;Database=…</c>: the same, as an Npgsql connection string.</item>
/// <item><c>env:NAME</c>: any of the above, read from an environment variable, so a password need not appear in argv or config.</item>
/// </list>
/// </summary>
public sealed record StoreLocation
{
    private StoreLocation(StoreKind kind, string target, string description)
    {
        Kind = kind;
        Target = target;
        Description = description;
    }

    public StoreKind Kind { get; }

    /// <summary>The SQLite file path, or the Npgsql connection string (which may hold a password: never print it).</summary>
    public string Target { get; }

    /// <summary>Safe to print and audit: the path, or user@host:port/database.</summary>
    public string Description { get; }

    public static StoreLocation Sqlite(string path)
    {
        var full = Path.GetFullPath(path);
        return new StoreLocation(StoreKind.Sqlite, full, full);
    }

    public static StoreLocation Postgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            // The message of this exception can quote the input, which may hold a password.
            throw new StoreException(StoreErrors.BadLocation, "the PostgreSQL connection string is not valid (expected Host=…;Database=…)");
        }

        var description = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        return new StoreLocation(StoreKind.Postgres, builder.ConnectionString, description);
    }

    /// <summary>Parses a location string; throws <see cref="StoreException"/> (<see cref="StoreErrors.BadLocation"/>) when it is not one.</summary>
    public static StoreLocation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        if (text.StartsWith("env:", StringComparison.Ordinal))
        {
            var name = text[4..];
            var value = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new StoreException(StoreErrors.BadLocation, $"the store location names environment variable {name}, which is not set");
            }

            return Parse(value);
        }

        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite(RequireNonEmpty(text[7..], "sqlite:PATH"));
        }

        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(PostgresUri.ToConnectionString(text));
        }

        if (text.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(RequireNonEmpty(text[9..], "postgres:Host=…"));
        }

        if (text.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return Sqlite(text);
        }

        throw new StoreException(
            StoreErrors.BadLocation,
            "the store location is not understood; use sqlite:PATH, postgres://user@host:port/db, postgres:Host=…;Database=…, or env:NAME");
    }

    public override string ToString() => Description;

    private static string RequireNonEmpty(string value, string form) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new StoreException(StoreErrors.BadLocation, $"the store location is empty after its prefix; expected {form}")
            : value;
}
