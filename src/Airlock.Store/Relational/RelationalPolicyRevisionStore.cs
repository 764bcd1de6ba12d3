using System.Data.Common;
using System.Text.Json;

namespace Airlock.Store.Relational;

internal sealed class RelationalPolicyRevisionStore(StoreDialect dialect) : RelationalArea(dialect), IPolicyRevisionStore
{
    public async ValueTask SaveGoodAsync(PolicyRevisionRecord revision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var files = JsonSerializer.SerializeToUtf8Bytes(revision.Files.ToDictionary(StringComparer.Ordinal));

        // Loading the same revision again (a restart) refreshes when it was last loaded; the files are the same by definition of the content hash.
        await ExecuteAsync(
            "INSERT INTO policy_revisions (revision, git_commit, source, loaded_at, files) VALUES (@rev, @git, @source, @at, @files) ON CONFLICT (revision) DO UPDATE SET loaded_at = excluded.loaded_at, source = excluded.source",
            c => c.With("@rev", revision.Revision).With("@git", revision.GitCommit).With("@source", revision.Source).With("@at", UnixMicros.From(revision.LoadedAt)).With("@files", files),
            cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<PolicyRevisionRecord?> GetLastGoodAsync(CancellationToken cancellationToken = default) =>
        QuerySingleAsync(
            "SELECT revision, git_commit, source, loaded_at, files FROM policy_revisions ORDER BY loaded_at DESC, revision LIMIT 1",
            NoParameters,
            r => Map(r) with { Files = JsonSerializer.Deserialize<Dictionary<string, string>>(r.Bytes(4)) ?? [] },
            cancellationToken);

    public ValueTask<IReadOnlyList<PolicyRevisionRecord>> ListAsync(int limit = 20, CancellationToken cancellationToken = default) =>
        QueryAsync(
            "SELECT revision, git_commit, source, loaded_at FROM policy_revisions ORDER BY loaded_at DESC, revision LIMIT @limit",
            c => c.With("@limit", Math.Max(0, limit)),
            Map,
            cancellationToken);

    private static PolicyRevisionRecord Map(DbDataReader r) => new()
    {
        Revision = r.GetString(0),
        GitCommit = r.NullableString(1),
        Source = r.GetString(2),
        LoadedAt = UnixMicros.ToTime(r.GetInt64(3)),
    };
}
