using System.Collections.Concurrent;
using Airlock.Audit;
using Airlock.Masking;
using Airlock.Pipeline;
using Airlock.Policy.Evaluation;
using Airlock.Postgres.Upstream;

namespace Airlock.Postgres.Proxy;

/// <summary>What the PostgreSQL adapter needs from the pipeline and the host.</summary>
public sealed class PgGatewayServices : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, PgCatalog> _catalogs = new(StringComparer.Ordinal);

    public required Func<PolicySnapshot> Policy { get; init; }

    /// <summary>The masking engine for the current policy (its entity strategies and key).</summary>
    public required Func<MaskingEngine> Masking { get; init; }

    public required StatementGate Gate { get; init; }

    public required SessionRegistry Sessions { get; init; }

    public required AuditTrail Audit { get; init; }

    public required IGatewayAuthenticator Authenticator { get; init; }

    /// <summary>Turns review verdicts into approval requests, and runs an approved action once. Null: review is a plain refusal.</summary>
    public ActionApprovals? Approvals { get; init; }

    /// <summary>Where a resource's database is and the brokered credentials (secret resolved now); null when the resource cannot be reached.</summary>
    public required Func<string, UpstreamTarget?> ResolveUpstream { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Catalogs are shared per upstream and live as long as the gateway (disposed with it).</summary>
    internal PgCatalog CatalogFor(UpstreamTarget target) => _catalogs.GetOrAdd(target.ToString(), _ => new PgCatalog(target));

    public async ValueTask DisposeAsync()
    {
        foreach (var catalog in _catalogs.Values)
        {
            await catalog.DisposeAsync();
        }
    }
}
