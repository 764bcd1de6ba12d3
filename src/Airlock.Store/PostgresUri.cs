using Npgsql;

namespace Airlock.Store;

/// <summary>Turns a libpq-style URI (postgres://user:pw@host:port/db?sslmode=…) into an Npgsql connection string.</summary>
internal static class PostgresUri
{
    public static string ToConnectionString(string uriText)
    {
        if (!Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new StoreException(StoreErrors.BadLocation, "the PostgreSQL URI is not valid; expected postgres://user:password@host:port/database");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode)
                        ? mode
                        : throw new StoreException(StoreErrors.BadLocation, $"the PostgreSQL URI has an unknown sslmode '{value}'");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, out var seconds) ? seconds : builder.Timeout;
                    break;
                default:
                    throw new StoreException(StoreErrors.BadLocation, $"the PostgreSQL URI has an unsupported parameter '{key}' (supported: sslmode, application_name, connect_timeout)");
            }
        }

        return builder.ConnectionString;
    }
}
