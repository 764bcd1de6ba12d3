namespace Airlock.Store;

/// <summary>
/// Policy revisions that loaded cleanly, with the bundle's files, so that a gateway restarting while the
/// bundle on disk is broken can keep the last good revision in force.
/// </summary>
public interface IPolicyRevisionStore
{
    /// <summary>Records a revision as good (a revision already stored is not stored twice).</summary>
    ValueTask SaveGoodAsync(PolicyRevisionRecord revision, CancellationToken cancellationToken = default);

    ValueTask<PolicyRevisionRecord?> GetLastGoodAsync(CancellationToken cancellationToken = default);

    /// <summary>Newest first, without bundle contents.</summary>
    ValueTask<IReadOnlyList<PolicyRevisionRecord>> ListAsync(int limit = 20, CancellationToken cancellationToken = default);
}
