using System.Data.Common;

namespace Airlock.Store.Relational;

internal sealed class RelationalApiTokenStore(StoreDialect dialect) : RelationalArea(dialect), IApiTokenStore
{
    private const string Columns = "id, name, user_name, hash, scopes, created_at, expires_at, revoked_at";

    public async ValueTask CreateAsync(ApiTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Hash.Length != 32)
        {
            throw new ArgumentException("an API token is stored by its 32-byte SHA-256 hash, never in the clear", nameof(token));
        }

        await ExecuteAsync(
            $"INSERT INTO api_tokens ({Columns}) VALUES (@id, @name, @user, @hash, @scopes, @created, @expires, NULL)",
            c => c.With("@id", token.Id).With("@name", token.Name).With("@user", token.User).With("@hash", token.Hash)
                .With("@scopes", string.Join('\n', token.Scopes)).With("@created", UnixMicros.From(token.CreatedAt)).With("@expires", UnixMicros.From(token.ExpiresAt)),
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<ApiTokenRecord?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM api_tokens WHERE hash = @hash", c => c.With("@hash", hash), Map, cancellationToken);

    public ValueTask<IReadOnlyList<ApiTokenRecord>> ListAsync(string? user = null, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM api_tokens WHERE (@user IS NULL OR user_name = @user) ORDER BY created_at, id", c => c.With("@user", user), Map, cancellationToken);

    public async ValueTask<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE api_tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL",
            c => c.With("@id", id).With("@at", UnixMicros.From(at)),
            cancellationToken).ConfigureAwait(false) == 1;

    public ValueTask<IReadOnlyList<string>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT id FROM api_tokens WHERE revoked_at >= @since ORDER BY id", c => c.With("@since", UnixMicros.From(since)), r => r.GetString(0), cancellationToken);

    private static ApiTokenRecord Map(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Name = r.GetString(1),
        User = r.GetString(2),
        Hash = r.Bytes(3),
        Scopes = r.GetString(4).Split('\n', StringSplitOptions.RemoveEmptyEntries),
        CreatedAt = UnixMicros.ToTime(r.GetInt64(5)),
        ExpiresAt = UnixMicros.ToTime(r.NullableInt64(6)),
        RevokedAt = UnixMicros.ToTime(r.NullableInt64(7)),
    };
}
