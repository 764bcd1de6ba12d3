using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// One entry of <c>upstreams:</c>: settings that replace those of a resource's <c>postgres:</c> connection at
/// run time (the demo points the sample <c>demo</c> resource at its own throwaway server this way). A
/// setting left out keeps the policy's value.
/// </summary>
public sealed record UpstreamOverride
{
    public required string Resource { get; init; }

    public string? Host { get; init; }

    public int? Port { get; init; }

    public string? Database { get; init; }

    public string? User { get; init; }

    public ConfiguredSecret? Password { get; init; }

    public string? SslMode { get; init; }

    public SourceLocation Location { get; init; }

    /// <summary>
    /// The connection with these overrides applied. Without a <paramref name="baseline"/> (the resource has no
    /// <c>postgres:</c> settings), host, database and user must all be overridden; port defaults to 5432 and
    /// sslmode to <c>prefer</c>, as in policy.
    /// </summary>
    public PostgresConnection ApplyTo(PostgresConnection? baseline)
    {
        if (baseline is null && (Host is null || Database is null || User is null))
        {
            throw new InvalidOperationException($"{Location}: upstream '{Resource}' overrides a resource without postgres settings, so it needs host, database and user");
        }

        return new PostgresConnection(
            Host ?? baseline!.Host,
            Port ?? baseline?.Port ?? 5432,
            Database ?? baseline!.Database,
            User ?? baseline!.User,
            Password?.Reference ?? baseline?.Password,
            SslMode ?? baseline?.SslMode ?? "prefer");
    }
}
