namespace Airlock.Postgres.Upstream;

/// <summary>Where and as whom the gateway connects upstream for a resource. The password is resolved from its secret reference at connect time.</summary>
public sealed record UpstreamTarget(string Host, int Port, string Database, string User, string? Password, string SslMode)
{
    public override string ToString() => $"{User}@{Host}:{Port}/{Database}";
}
