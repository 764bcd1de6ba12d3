using Airlock.Store;

namespace Airlock.Audit.Tests.Support;

/// <summary>A hand-written fake: a real store whose audit appends fail with a chosen store error while <see cref="Failure"/> is set.</summary>
public sealed class FailingStore(IAirlockStore inner) : IAirlockStore, IAuditLog
{
    public StoreException? Failure { get; set; }

    public StoreKind Kind => inner.Kind;

    public string Description => inner.Description;

    public AuditDurability Durability => inner.Durability;

    public int SchemaVersion => inner.SchemaVersion;

    public IAuditLog Audit => this;

    public ISessionStore Sessions => inner.Sessions;

    public IApprovalStore Approvals => inner.Approvals;

    public IGrantStore Grants => inner.Grants;

    public IApiTokenStore ApiTokens => inner.ApiTokens;

    public ILoginTokenStore LoginTokens => inner.LoginTokens;

    public IMfaStepUpStore MfaStepUps => inner.MfaStepUps;

    public IPolicyRevisionStore PolicyRevisions => inner.PolicyRevisions;

    public ValueTask AppendAsync(IAuditBatchSealer sealer, CancellationToken cancellationToken = default) =>
        Failure is { } failure ? throw failure : inner.Audit.AppendAsync(sealer, cancellationToken);

    public ValueTask<AuditChainHead> ReadHeadAsync(CancellationToken cancellationToken = default) => inner.Audit.ReadHeadAsync(cancellationToken);

    public IAsyncEnumerable<AuditRow> ReadAsync(AuditQuery query, CancellationToken cancellationToken = default) => inner.Audit.ReadAsync(query, cancellationToken);

    public IAsyncEnumerable<AuditCheckpointRow> ReadCheckpointsAsync(CancellationToken cancellationToken = default) => inner.Audit.ReadCheckpointsAsync(cancellationToken);

    public ValueTask<(long Count, long MaxSeq)> CountAsync(CancellationToken cancellationToken = default) => inner.Audit.CountAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
