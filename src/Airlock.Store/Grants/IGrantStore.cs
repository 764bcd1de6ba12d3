namespace Airlock.Store;

/// <summary>Time-boxed grants given by approval (JIT elevation).</summary>
public interface IGrantStore
{
    ValueTask CreateAsync(GrantRecord grant, CancellationToken cancellationToken = default);

    ValueTask<GrantRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Grants in force at <paramref name="at"/>: started, not expired, not revoked.</summary>
    ValueTask<IReadOnlyList<GrantRecord>> ListActiveAsync(DateTimeOffset at, string? user = null, CancellationToken cancellationToken = default);

    /// <summary>All grants, newest first: active, expired and revoked.</summary>
    ValueTask<IReadOnlyList<GrantRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Revokes a grant that is not yet revoked; returns false otherwise.</summary>
    ValueTask<bool> RevokeAsync(string id, DateTimeOffset at, string by, CancellationToken cancellationToken = default);
}
