using System.Collections.Concurrent;
using Airlock.Audit;
using Airlock.Policy.Model;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// MFA step-up with built-in TOTP (RFC 6238), for local users and for identity providers that give no MFA
/// claim. A user proves a fresh code (<c>airlock mfa</c>); for <see cref="Freshness"/> after that, policy's
/// <c>mfa: required</c> conditions hold for their sessions, open ones included. Step-ups are kept in the
/// store, so they count on every gateway sharing it and a code is used once across all of them; each
/// gateway keeps a copy that <see cref="RefreshAsync"/> reads again, because sessions look on every statement.
/// </summary>
public sealed class MfaStepUp(IReadOnlyDictionary<string, byte[]> secrets, IAirlockStore store, AuditTrail audit, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _verified = new(StringComparer.Ordinal);

    /// <summary>The user's TOTP failure budget: back-off and lockout, shared by the gateways on the store.</summary>
    public MfaFailureBudget Budget { get; init; } = new(store, audit, time);

    /// <summary>How long a step-up counts.</summary>
    public static TimeSpan Freshness { get; } = TimeSpan.FromMinutes(15);

    /// <summary>Whether any user can step up here (has a TOTP secret); when none can, sessions skip the lookup.</summary>
    public bool Configured => secrets.Count > 0;

    /// <summary>When the user last stepped up, if that is still fresh, as this gateway last read it (for every statement).</summary>
    public DateTimeOffset? FreshSince(string user) =>
        _verified.TryGetValue(user, out var at) && time.GetUtcNow() - at < Freshness ? at : null;

    /// <summary>
    /// When the user last stepped up on any gateway, read from the store now, for decisions with a freshness of
    /// their own (approvers' and admins' <c>mfa</c>, up to <see cref="ApprovalRequirement.MaxMfaWithin"/>): the
    /// caller compares it with its window, which may be longer or shorter than <see cref="Freshness"/>.
    /// </summary>
    public async ValueTask<DateTimeOffset?> LastStepUpAsync(string user, CancellationToken cancellationToken) =>
        (await store.MfaStepUps.ListSinceAsync(time.GetUtcNow() - ApprovalRequirement.MaxMfaWithin, cancellationToken)).FirstOrDefault(s => s.User == user)?.VerifiedAt;

    /// <summary>Reads again the fresh step-ups of every gateway sharing the store (called once a second while sessions are open).</summary>
    public async ValueTask RefreshAsync(CancellationToken cancellationToken)
    {
        foreach (var stepUp in await store.MfaStepUps.ListSinceAsync(time.GetUtcNow() - Freshness, cancellationToken))
        {
            _verified.AddOrUpdate(stepUp.User, stepUp.VerifiedAt, (_, known) => known > stepUp.VerifiedAt ? known : stepUp.VerifiedAt);
        }
    }

    /// <summary>Checks a code; on success the user's sessions count as MFA-verified for <see cref="Freshness"/>. Every try is audited.</summary>
    public async ValueTask<DateTimeOffset> VerifyAsync(GatewayUser user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(code);
        if (!secrets.TryGetValue(user.Name, out var secret))
        {
            throw new RefusedException(IdentityErrors.MfaFailed, $"{user.Name} has no TOTP set up on this gateway (users.{user.Name}.totp in its config)");
        }

        // Counted as a failure before the code is looked at, on every gateway sharing the store; refused unheard
        // while the user backs off or is locked out (MfaFailureBudget).
        await Budget.ChargeAsync(user.Name, cancellationToken);
        var now = time.GetUtcNow();
        var step = Totp.Match(secret, code, now);

        // The store decides replays in one statement, so a code used on another gateway is refused here too.
        var replayed = step is { } s && !await store.MfaStepUps.TryRecordAsync(new MfaStepUpRecord(user.Name, now, s), cancellationToken);
        if (replayed)
        {
            await Budget.RefundAsync(user.Name, cancellationToken);
        }

        if (step is null || replayed)
        {
            var why = step is null ? "the code is wrong or too old" : "the code was used already";
            await audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.AuthFailed, User = user.Name, ActionType = "mfa", Error = "MFA step-up refused: " + why }, cancellationToken);
            throw new RefusedException(IdentityErrors.MfaFailed, $"MFA step-up refused: {why}; wait for the next code from your authenticator app");
        }

        await Budget.ClearAsync(user.Name, cancellationToken);
        _verified[user.Name] = now;
        await audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.MfaVerified, User = user.Name, ActionType = "mfa", Mfa = true }, cancellationToken);
        return now;
    }
}
