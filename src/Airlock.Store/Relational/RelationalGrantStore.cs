using System.Data.Common;

namespace Airlock.Store.Relational;

internal sealed class RelationalGrantStore(StoreDialect dialect) : RelationalArea(dialect), IGrantStore
{
    private const string Columns = "id, user_name, grant_name, resource, approval_id, valid_from, valid_until, revoked_at, revoked_by, reason";

    public async ValueTask CreateAsync(GrantRecord grant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        await ExecuteAsync(
            $"INSERT INTO grants ({Columns}) VALUES (@id, @user, @grant, @resource, @approval, @from, @until, NULL, NULL, @reason)",
            c => c.With("@id", grant.Id).With("@user", grant.User).With("@grant", grant.Grant).With("@resource", grant.Resource)
                .With("@approval", grant.ApprovalId).With("@from", UnixMicros.From(grant.From)).With("@until", UnixMicros.From(grant.Until)).With("@reason", grant.Reason),
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<GrantRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM grants WHERE id = @id", c => c.With("@id", id), Map, cancellationToken);

    public ValueTask<IReadOnlyList<GrantRecord>> ListActiveAsync(DateTimeOffset at, string? user = null, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM grants WHERE revoked_at IS NULL AND valid_from <= @at AND valid_until > @at AND (@user IS NULL OR user_name = @user) ORDER BY valid_from, id",
            c => c.With("@at", UnixMicros.From(at)).With("@user", user),
            Map,
            cancellationToken);

    public async ValueTask<bool> RevokeAsync(string id, DateTimeOffset at, string by, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE grants SET revoked_at = @at, revoked_by = @by WHERE id = @id AND revoked_at IS NULL",
            c => c.With("@id", id).With("@at", UnixMicros.From(at)).With("@by", by),
            cancellationToken).ConfigureAwait(false) == 1;

    private static GrantRecord Map(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        User = r.GetString(1),
        Grant = r.GetString(2),
        Resource = r.NullableString(3),
        ApprovalId = r.NullableString(4),
        From = UnixMicros.ToTime(r.GetInt64(5)),
        Until = UnixMicros.ToTime(r.GetInt64(6)),
        RevokedAt = UnixMicros.ToTime(r.NullableInt64(7)),
        RevokedBy = r.NullableString(8),
        Reason = r.NullableString(9),
    };

    public ValueTask<IReadOnlyList<GrantRecord>> ListAsync(int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM grants ORDER BY valid_from DESC, id LIMIT @limit", c => c.With("@limit", Math.Max(0, limit)), Map, cancellationToken);
}
