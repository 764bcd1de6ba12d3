namespace Airlock.Store;

/// <summary>API tokens, stored only as a hash: the token itself is shown once, at creation, and never kept.</summary>
public interface IApiTokenStore
{
    ValueTask CreateAsync(ApiTokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>Finds a token by the SHA-256 of its secret (see <see cref="ApiTokenHash"/>).</summary>
    ValueTask<ApiTokenRecord?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<ApiTokenRecord>> ListAsync(string? user = null, CancellationToken cancellationToken = default);

    ValueTask<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The ids of tokens revoked at or after <paramref name="since"/>: each gateway asks once a second, whatever its number of sessions.</summary>
    ValueTask<IReadOnlyList<string>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}
