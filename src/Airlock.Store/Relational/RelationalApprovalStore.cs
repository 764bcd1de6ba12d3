using System.Data.Common;
using System.Text.Json;

namespace Airlock.Store.Relational;

internal sealed class RelationalApprovalStore(StoreDialect dialect) : RelationalArea(dialect), IApprovalStore
{
    private const string Columns = "id, kind, requester, resource, action_digest, action_summary, grant_name, reason, rule, policy_revision, state, created_at, expires_at, decided_at, decided_by, comment, duration_seconds, exact_text, exact_parameters, structure";

    private const string Values = "@id, @kind, @requester, @resource, @digest, @summary, @grant, @reason, @rule, @revision, @state, @created, @expires, @decidedAt, @decidedBy, @comment, @duration, @exact, @parameters, @structure";

    public async ValueTask CreateAsync(ApprovalRequestRecord request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await ExecuteAsync($"INSERT INTO approval_requests ({Columns}) VALUES ({Values})", c => Bind(c, request), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> TryCreateAsync(ApprovalRequestRecord request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Without a conflict target, DO NOTHING covers the partial unique index approval_requests_pending_once
        // (schema version 4) in both backends: the second of two racing inserts changes no row.
        return await ExecuteAsync($"INSERT INTO approval_requests ({Columns}) VALUES ({Values}) ON CONFLICT DO NOTHING", c => Bind(c, request), cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<int> CountPendingAsync(string requester, IReadOnlyList<string> kinds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var rows = await QueryAsync(
            "SELECT kind, count(*) FROM approval_requests WHERE requester = @requester AND state = 'pending' AND expires_at > @now GROUP BY kind",
            c => c.With("@requester", requester).With("@now", UnixMicros.From(now)),
            r => (Kind: r.GetString(0), Count: r.GetInt64(1)),
            cancellationToken).ConfigureAwait(false);
        return (int)rows.Where(r => kinds.Contains(r.Kind, StringComparer.Ordinal)).Sum(r => r.Count);
    }

    private static void Bind(DbCommand c, ApprovalRequestRecord request) =>
        c.With("@id", request.Id).With("@kind", request.Kind).With("@requester", request.Requester).With("@resource", request.Resource)
            .With("@digest", request.ActionDigest).With("@summary", request.ActionSummary).With("@grant", request.Grant).With("@reason", request.Reason)
            .With("@rule", request.Rule).With("@revision", request.PolicyRevision).With("@state", request.State)
            .With("@created", UnixMicros.From(request.CreatedAt)).With("@expires", UnixMicros.From(request.ExpiresAt))
            .With("@decidedAt", UnixMicros.From(request.DecidedAt)).With("@decidedBy", request.DecidedBy).With("@comment", request.Comment)
            .With("@duration", request.Duration is { } d ? (long)d.TotalSeconds : null)
            .With("@exact", request.ExactText).With("@parameters", ParametersJson(request.ExactParameters)).With("@structure", request.Structure);

    /// <summary>Parameter values as a JSON array of base64 strings (null for SQL NULL): the exact bytes, whatever their encoding.</summary>
    private static string? ParametersJson(IReadOnlyList<byte[]?>? parameters) =>
        parameters is null ? null : JsonSerializer.Serialize(parameters.Select(p => p is null ? null : Convert.ToBase64String(p)).ToArray());

    private static byte[]?[]? ParametersFromJson(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<string?[]>(json)?.Select(p => p is null ? null : Convert.FromBase64String(p)).ToArray();

    public ValueTask<ApprovalRequestRecord?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        QuerySingleAsync($"SELECT {Columns} FROM approval_requests WHERE id = @id", c => c.With("@id", id), Map, cancellationToken);

    public ValueTask<IReadOnlyList<ApprovalRequestRecord>> ListAsync(string? state = null, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM approval_requests WHERE (@state IS NULL OR state = @state) ORDER BY created_at DESC, id LIMIT @limit",
            c => c.With("@state", state).With("@limit", Math.Max(0, limit)),
            Map,
            cancellationToken);

    public async ValueTask<bool> TransitionAsync(string id, string expectedState, string newState, DateTimeOffset at, string? by, string? comment, CancellationToken cancellationToken = default, DateTimeOffset? expiresAt = null) =>
        await ExecuteAsync(
            "UPDATE approval_requests SET state = @new, decided_at = @at, decided_by = @by, comment = @comment, expires_at = COALESCE(@expires, expires_at) WHERE id = @id AND state = @expected",
            c => c.With("@id", id).With("@expected", expectedState).With("@new", newState).With("@at", UnixMicros.From(at)).With("@by", by).With("@comment", comment)
                .With("@expires", UnixMicros.From(expiresAt)),
            cancellationToken).ConfigureAwait(false) == 1;

    public ValueTask<IReadOnlyList<ApprovalRequestRecord>> FindForActionAsync(string requester, string resource, string actionDigest, CancellationToken cancellationToken = default) =>
        QueryAsync(
            $"SELECT {Columns} FROM approval_requests WHERE action_digest = @digest AND requester = @requester AND resource = @resource ORDER BY created_at DESC, id LIMIT 20",
            c => c.With("@digest", actionDigest).With("@requester", requester).With("@resource", resource),
            Map,
            cancellationToken);

    public async ValueTask<bool> AddVoteAsync(ApprovalVoteRecord vote, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vote);

        // ON CONFLICT DO NOTHING (both backends) makes "one vote per approver" an atomic rule, not a race.
        return await ExecuteAsync(
            "INSERT INTO approval_votes (request_id, approver, verdict, comment, at, idp_groups) VALUES (@id, @approver, @verdict, @comment, @at, @groups) ON CONFLICT (request_id, approver) DO NOTHING",
            c => c.With("@id", vote.RequestId).With("@approver", vote.Approver).With("@verdict", vote.Verdict).With("@comment", vote.Comment).With("@at", UnixMicros.From(vote.At))
                .With("@groups", vote.IdpGroups.Count == 0 ? null : string.Join('\n', vote.IdpGroups)),
            cancellationToken).ConfigureAwait(false) == 1;
    }

    public ValueTask<IReadOnlyList<ApprovalVoteRecord>> ListVotesAsync(string requestId, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT request_id, approver, verdict, comment, at, idp_groups FROM approval_votes WHERE request_id = @id ORDER BY at, approver",
            c => c.With("@id", requestId),
            r => new ApprovalVoteRecord
            {
                RequestId = r.GetString(0),
                Approver = r.GetString(1),
                Verdict = r.GetString(2),
                Comment = r.NullableString(3),
                At = UnixMicros.ToTime(r.GetInt64(4)),
                IdpGroups = r.NullableString(5)?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [],
            },
            cancellationToken);

    private static ApprovalRequestRecord Map(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Kind = r.GetString(1),
        Requester = r.GetString(2),
        Resource = r.GetString(3),
        ActionDigest = r.NullableString(4),
        ActionSummary = r.NullableString(5),
        Grant = r.NullableString(6),
        Reason = r.NullableString(7),
        Rule = r.GetString(8),
        PolicyRevision = r.GetString(9),
        State = r.GetString(10),
        CreatedAt = UnixMicros.ToTime(r.GetInt64(11)),
        ExpiresAt = UnixMicros.ToTime(r.GetInt64(12)),
        DecidedAt = UnixMicros.ToTime(r.NullableInt64(13)),
        DecidedBy = r.NullableString(14),
        Comment = r.NullableString(15),
        Duration = r.NullableInt64(16) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
        ExactText = r.NullableString(17),
        ExactParameters = ParametersFromJson(r.NullableString(18)),
        Structure = r.NullableString(19),
    };
}
