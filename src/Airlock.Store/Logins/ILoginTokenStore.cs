namespace Airlock.Store;

/// <summary>Airlock session tokens from <c>airlock login</c>, stored only as a hash.</summary>
public interface ILoginTokenStore
{
    ValueTask CreateAsync(LoginTokenRecord token, CancellationToken cancellationToken = default);

    /// <summary>Finds a token by the SHA-256 of its secret, revoked and expired ones included (so the gateway can say which).</summary>
    ValueTask<LoginTokenRecord?> FindByHashAsync(byte[] hash, CancellationToken cancellationToken = default);

    ValueTask<LoginTokenRecord?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>A user's tokens (or everyone's), oldest first.</summary>
    ValueTask<IReadOnlyList<LoginTokenRecord>> ListAsync(string? user = null, CancellationToken cancellationToken = default);

    /// <summary>Revokes one token; false when it does not exist or was revoked already.</summary>
    ValueTask<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>The ids of tokens revoked at or after <paramref name="since"/>: each gateway asks once a second, whatever its number of sessions.</summary>
    ValueTask<IReadOnlyList<string>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);
}

/// <summary>
/// TOTP step-ups, shared by the gateways on one store: a step-up on one counts on all of them, and a code
/// accepted by one is refused by the others.
/// </summary>
public interface IMfaStepUpStore
{
    /// <summary>
    /// Records a step-up unless the user's recorded one has the same or a later time step (the code was used
    /// already, here or on another gateway): then nothing changes and the answer is false. One statement, so
    /// two gateways racing with one code cannot both win.
    /// </summary>
    ValueTask<bool> TryRecordAsync(MfaStepUpRecord stepUp, CancellationToken cancellationToken = default);

    /// <summary>Step-ups verified at or after <paramref name="since"/>.</summary>
    ValueTask<IReadOnlyList<MfaStepUpRecord>> ListSinceAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>A user's TOTP failure budget as it stands, or null when they have no failures on record.</summary>
    ValueTask<MfaFailureRecord?> GetFailuresAsync(string user, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes a user's failure budget if nobody changed it since it was read: <paramref name="expectedVersion"/>
    /// is the version read (null: there was no row). False when another gateway got there first; the caller
    /// reads again. One statement, so attempts from every gateway sharing the store are counted, none lost.
    /// </summary>
    ValueTask<bool> TryWriteFailuresAsync(MfaFailureRecord next, long? expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Forgets a user's failures (a successful step-up).</summary>
    ValueTask ClearFailuresAsync(string user, CancellationToken cancellationToken = default);
}
