namespace Airlock.Store;

/// <summary>Approval requests (for one action, or for a time-boxed grant) and the votes on them.</summary>
public interface IApprovalStore
{
    ValueTask CreateAsync(ApprovalRequestRecord request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates a request unless its requester already has a pending one for the same action on the same resource
    /// (same <see cref="ApprovalRequestRecord.ActionDigest"/>): then nothing is written and the answer is false.
    /// One statement against a unique index, so two gateways racing with the same action make one request.
    /// </summary>
    ValueTask<bool> TryCreateAsync(ApprovalRequestRecord request, CancellationToken cancellationToken = default);

    /// <summary>How many requests of <paramref name="kinds"/> a user has pending that are not past their expiry at <paramref name="now"/>.</summary>
    ValueTask<int> CountPendingAsync(string requester, IReadOnlyList<string> kinds, DateTimeOffset now, CancellationToken cancellationToken = default);

    ValueTask<ApprovalRequestRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Requests in a state (or all), newest first.</summary>
    ValueTask<IReadOnlyList<ApprovalRequestRecord>> ListAsync(string? state = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves a request from <paramref name="expectedState"/> to <paramref name="newState"/> atomically.
    /// Returns false when the request is no longer in the expected state (someone else decided first).
    /// <paramref name="expiresAt"/>, when given, is the request's new end of life (an approval starts its
    /// window); null keeps the old one.
    /// </summary>
    ValueTask<bool> TransitionAsync(string id, string expectedState, string newState, DateTimeOffset at, string? by, string? comment, CancellationToken cancellationToken = default, DateTimeOffset? expiresAt = null);

    /// <summary>The requests one user made for one exact action (by its digest) on one resource, newest first.</summary>
    ValueTask<IReadOnlyList<ApprovalRequestRecord>> FindForActionAsync(string requester, string resource, string actionDigest, CancellationToken cancellationToken = default);

    /// <summary>Records one approver's vote; a second vote by the same approver on the same request is refused (false).</summary>
    ValueTask<bool> AddVoteAsync(ApprovalVoteRecord vote, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<ApprovalVoteRecord>> ListVotesAsync(string requestId, CancellationToken cancellationToken = default);
}
