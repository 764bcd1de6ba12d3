namespace Airlock.Sql.Native;

/// <summary>PostgreSQL's parser library is not installed; the message says how to install it.</summary>
public sealed class SqlEngineUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    public const string InstallHint = "Airlock parses SQL with PostgreSQL's own parser, libpg_query, which is not installed. On Debian or Ubuntu run: sudo apt-get install libpg-query-dev";
}
