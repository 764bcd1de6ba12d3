using System.Data.Common;

namespace Airlock.Store.Relational;

internal sealed class RelationalLoginTokenStore(StoreDialect dialect) : RelationalArea(dialect), ILoginTokenStore
{
    private const string Columns = "id, user_name, hash, idp_groups, mfa_at, issuer, subject, created_at, expires_at, revoked_at";

    public async ValueTask CreateAsync(LoginTokenRecord token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Hash.Length != 32)
        {
            throw new ArgumentException("a login token is stored by its 32-byte SHA-256 hash, never in the clear", nameof(token));
        }

        await ExecuteAsync(
            $"INSERT INTO login_tokens ({Columns}) VALUES (@id, @user, @hash, @groups, @mfa, @issuer, @subject, @created, @expires, NULL)",
            c => c.With("@id", token.Id).With("@user", token.User).With("@hash", token.Hash).With("@groups", string.Join('\n', token.Groups))
                .With("@mfa", UnixMicros.From(token.MfaAt)).With("@issuer", token.Issuer).With("@subject", token.Subject)
                .With("@created", UnixMicros.From(token.CreatedAt)).With("@expires", UnixMicros.From(token.ExpiresAt)),
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<LoginTokenRecord?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM login_tokens WHERE hash = @hash", c => c.With("@hash", hash), Map, cancellationToken);

    public ValueTask<LoginTokenRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM login_tokens WHERE id = @id", c => c.With("@id", id), Map, cancellationToken);

    public ValueTask<IReadOnlyList<LoginTokenRecord>> ListAsync(string? user = null, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT {Columns} FROM login_tokens WHERE (@user IS NULL OR user_name = @user) ORDER BY created_at, id", c => c.With("@user", user), Map, cancellationToken);

    public async ValueTask<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE login_tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL",
            c => c.With("@id", id).With("@at", UnixMicros.From(at)),
            cancellationToken).ConfigureAwait(false) == 1;

    public ValueTask<IReadOnlyList<string>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAsync("SELECT id FROM login_tokens WHERE revoked_at >= @since ORDER BY id", c => c.With("@since", UnixMicros.From(since)), r => r.GetString(0), cancellationToken);

    private static LoginTokenRecord Map(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        User = r.GetString(1),
        Hash = r.Bytes(2),
        Groups = r.GetString(3).Split('\n', StringSplitOptions.RemoveEmptyEntries),
        MfaAt = UnixMicros.ToTime(r.NullableInt64(4)),
        Issuer = r.GetString(5),
        Subject = r.IsDBNull(6) ? null : r.GetString(6),
        CreatedAt = UnixMicros.ToTime(r.GetInt64(7)),
        ExpiresAt = UnixMicros.ToTime(r.GetInt64(8)),
        RevokedAt = UnixMicros.ToTime(r.NullableInt64(9)),
    };
}

internal sealed class RelationalMfaStepUpStore(StoreDialect dialect) : RelationalArea(dialect), IMfaStepUpStore
{
    public async ValueTask<bool> TryRecordAsync(MfaStepUpRecord stepUp, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stepUp);

        // Both backends: the upsert's WHERE leaves the row alone (0 rows) when the step was used already.
        return await ExecuteAsync(
            """
            INSERT INTO mfa_stepups (user_name, verified_at, step) VALUES (@user, @at, @step)
            ON CONFLICT (user_name) DO UPDATE SET verified_at = excluded.verified_at, step = excluded.step
            WHERE mfa_stepups.step < excluded.step
            """,
            c => c.With("@user", stepUp.User).With("@at", UnixMicros.From(stepUp.VerifiedAt)).With("@step", stepUp.Step),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public ValueTask<IReadOnlyList<MfaStepUpRecord>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT user_name, verified_at, step FROM mfa_stepups WHERE verified_at >= @since ORDER BY user_name",
            c => c.With("@since", UnixMicros.From(since)),
            r => new MfaStepUpRecord(r.GetString(0), UnixMicros.ToTime(r.GetInt64(1)), r.GetInt64(2)),
            cancellationToken);

    public ValueTask<MfaFailureRecord?> GetFailuresAsync(string user, CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            "SELECT user_name, failures, window_start, not_before, locked_until, version FROM mfa_failures WHERE user_name = @user",
            c => c.With("@user", user),
            r => new MfaFailureRecord(r.GetString(0), r.GetInt64(1), UnixMicros.ToTime(r.GetInt64(2)), UnixMicros.ToTime(r.NullableInt64(3)), UnixMicros.ToTime(r.NullableInt64(4)), r.GetInt64(5)),
            cancellationToken);

    public async ValueTask<bool> TryWriteFailuresAsync(MfaFailureRecord next, long? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(next);
        var sql = expectedVersion is null
            ? "INSERT INTO mfa_failures (user_name, failures, window_start, not_before, locked_until, version) VALUES (@user, @failures, @start, @notBefore, @locked, @version) ON CONFLICT (user_name) DO NOTHING"
            : "UPDATE mfa_failures SET failures = @failures, window_start = @start, not_before = @notBefore, locked_until = @locked, version = @version WHERE user_name = @user AND version = @expected";
        return await ExecuteAsync(
            sql,
            c => c.With("@user", next.User).With("@failures", next.Failures).With("@start", UnixMicros.From(next.WindowStart)).With("@notBefore", UnixMicros.From(next.NotBefore))
                .With("@locked", UnixMicros.From(next.LockedUntil)).With("@version", next.Version).WithIf(expectedVersion is not null, "@expected", expectedVersion),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask ClearFailuresAsync(string user, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM mfa_failures WHERE user_name = @user", c => c.With("@user", user), cancellationToken).ConfigureAwait(false);
}
