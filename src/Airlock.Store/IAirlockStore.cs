namespace Airlock.Store;

/// <summary>
/// The gateway's state, in one place: the audit trail and everything that must survive a restart or be
/// shared between gateway instances. Two implementations (SQLite, PostgreSQL) pass one conformance suite.
/// </summary>
public interface IAirlockStore : IAsyncDisposable
{
    /// <summary>Which backend this is.</summary>
    StoreKind Kind { get; }

    /// <summary>Where the store is, safe to print: file path or host/port/database, never a password.</summary>
    string Description { get; }

    /// <summary>How long appends wait before they are acknowledged.</summary>
    AuditDurability Durability { get; }

    /// <summary>The schema version after migrations were applied at open.</summary>
    int SchemaVersion { get; }

    IAuditLog Audit { get; }

    ISessionStore Sessions { get; }

    IApprovalStore Approvals { get; }

    IGrantStore Grants { get; }

    IApiTokenStore ApiTokens { get; }

    ILoginTokenStore LoginTokens { get; }

    IMfaStepUpStore MfaStepUps { get; }

    IPolicyRevisionStore PolicyRevisions { get; }
}
