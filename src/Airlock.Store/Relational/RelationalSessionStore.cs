using System.Data.Common;

namespace Airlock.Store.Relational;

internal sealed class RelationalSessionStore(StoreDialect dialect) : RelationalArea(dialect), ISessionStore
{
    private const string Columns = "id, user_name, resource, client_address, application, instance, started_at, ended_at, end_reason, kill_requested_at, kill_requested_by";

    public async ValueTask StartAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await ExecuteAsync(
            $"INSERT INTO sessions ({Columns}) VALUES (@id, @user, @resource, @client, @app, @instance, @started, NULL, NULL, NULL, NULL)",
            c => c.With("@id", session.Id).With("@user", session.User).With("@resource", session.Resource).With("@client", session.ClientAddress)
                .With("@app", session.Application).With("@instance", session.Instance).With("@started", UnixMicros.From(session.StartedAt)),
            cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> EndAsync(string sessionId, DateTimeOffset endedAt, string reason, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE sessions SET ended_at = @at, end_reason = @reason WHERE id = @id AND ended_at IS NULL",
            c => c.With("@id", sessionId).With("@at", UnixMicros.From(endedAt)).With("@reason", reason),
            cancellationToken).ConfigureAwait(false) == 1;

    public async ValueTask<bool> RequestKillAsync(string sessionId, DateTimeOffset requestedAt, string requestedBy, CancellationToken cancellationToken = default) =>
        await ExecuteAsync(
            "UPDATE sessions SET kill_requested_at = @at, kill_requested_by = @by WHERE id = @id AND ended_at IS NULL",
            c => c.With("@id", sessionId).With("@at", UnixMicros.From(requestedAt)).With("@by", requestedBy),
            cancellationToken).ConfigureAwait(false) == 1;

    public ValueTask<SessionRecord?> GetAsync(string sessionId, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM sessions WHERE id = @id", c => c.With("@id", sessionId), Map, cancellationToken);

    public ValueTask<IReadOnlyList<SessionRecord>> ListOpenAsync(string? instance = null, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM sessions WHERE ended_at IS NULL AND (@instance IS NULL OR instance = @instance) ORDER BY started_at, id",
            c => c.With("@instance", instance),
            Map,
            cancellationToken);

    private static SessionRecord Map(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        User = r.GetString(1),
        Resource = r.GetString(2),
        ClientAddress = r.NullableString(3),
        Application = r.NullableString(4),
        Instance = r.GetString(5),
        StartedAt = UnixMicros.ToTime(r.GetInt64(6)),
        EndedAt = UnixMicros.ToTime(r.NullableInt64(7)),
        EndReason = r.NullableString(8),
        KillRequestedAt = UnixMicros.ToTime(r.NullableInt64(9)),
        KillRequestedBy = r.NullableString(10),
    };
}
