using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;

/// <summary>The kind of system a resource is; it decides which action matchers can apply to it.</summary>
public enum ResourceType
{
    Postgres,
    Command,
    Http,
}

/// <summary>A system engineers reach through Airlock, with labels for rules to select on.</summary>
public sealed record ResourceDefinition
{
    public required string Name { get; init; }
    public required ResourceType Type { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
    public PostgresConnection? Postgres { get; init; }
    public CommandConnection? Command { get; init; }
    public HttpConnection? Http { get; init; }
    public SessionLimits? Sessions { get; init; }
    public SourceLocation Location { get; init; }
}

/// <summary>How the gateway reaches a PostgreSQL server. The password is always a reference, never a literal.</summary>
public sealed record PostgresConnection(string Host, int Port, string Database, string User, SecretReference? Password, string SslMode);

/// <summary>How the gateway runs commands for a command resource: argv only, never through a shell.</summary>
public sealed record CommandConnection(string? WorkingDirectory, IReadOnlyDictionary<string, SettingValue> Environment, TimeSpan Timeout);

/// <summary>How the gateway reaches an HTTP API, with the secret it injects.</summary>
public sealed record HttpConnection(Uri BaseUrl, HttpAuth? Auth, IReadOnlyDictionary<string, string> Headers, TimeSpan Timeout);

/// <summary>Credentials the gateway adds to forwarded HTTP requests.</summary>
public sealed record HttpAuth(HttpAuthKind Kind, SecretReference Secret, string? User, string? HeaderName);

public enum HttpAuthKind
{
    Bearer,
    Basic,
    Header,
}

/// <summary>Where a secret lives: an environment variable or a file. The value itself is read only when used.</summary>
public sealed record SecretReference(SecretSource Source, string Name)
{
    public override string ToString() => Source == SecretSource.Env ? $"env:{Name}" : $"file:{Name}";
}

public enum SecretSource
{
    Env,
    File,
}

/// <summary>A setting that is either plain text or a reference to a secret.</summary>
public sealed record SettingValue(string? Literal, SecretReference? Secret);
