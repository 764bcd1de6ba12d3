using Airlock.Audit;
using Airlock.Store;

namespace Airlock.Pipeline;

/// <summary>
/// How many TOTP guesses a user's step-up hears (issue 14, class I). A six-digit code with one step of drift
/// either way matches 3 codes in 10^6; without a limit, about 1,100 guesses a second found one in minutes.
/// The budget is per user and lives in the store, so every gateway sharing it counts the same attempts:
/// <code>
///  attempt ─► locked? ── yes ─► AL1021 (429, Retry-After), not checked
///            │ no
///            ├─ in back-off? ── yes ─► AL1020 (429, Retry-After), not checked
///            └─ counted as a failure first (one conditional write), then the code is checked
///                 right ─► the budget is cleared      wrong ─► stays counted
///  failures 1–4: none;  from the 5th: the next attempt waits 1 s, 2 s, 4 s … up to 5 min;
///  the 20th within an hour: locked for 15 min (audited as auth.mfa_locked), and every failure after it
///  within that hour locks again. A success clears everything; a right code used already is taken back.
/// </code>
/// Counting before checking means a burst of parallel guesses, on one gateway or many, is counted in full:
/// each attempt has to win its own write.
/// </summary>
public sealed class MfaFailureBudget(IAirlockStore store, AuditTrail audit, TimeProvider time)
{
    /// <summary>Failures heard without any back-off.</summary>
    public int FreeFailures { get; init; } = 4;

    /// <summary>Back-off after the first failure beyond <see cref="FreeFailures"/>; it doubles with each one after.</summary>
    public TimeSpan FirstBackOff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Failures within <see cref="Window"/> that lock the user out.</summary>
    public int LockAfter { get; init; } = 20;

    /// <summary>The window the failures are counted in, from the first failure in it.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan LockFor { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Counts one attempt as a failure before its code is checked, or refuses it (<see cref="RefusedException"/>
    /// with <see cref="IdentityErrors.MfaBackOff"/> or <see cref="IdentityErrors.MfaLockedOut"/>, and when to try
    /// again) while the user is backing off or locked out. The refusal is audited; a new lockout raises the
    /// <c>auth.mfa_locked</c> alert.
    /// </summary>
    public async ValueTask ChargeAsync(string user, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = time.GetUtcNow();
            var current = await store.MfaStepUps.GetFailuresAsync(user, cancellationToken);
            if (current?.LockedUntil is { } locked && locked > now)
            {
                await RefuseAsync(user, IdentityErrors.MfaLockedOut, $"too many wrong MFA codes: step-up is locked until {locked:u}", locked - now, cancellationToken);
            }

            if (current?.NotBefore is { } notBefore && notBefore > now)
            {
                await RefuseAsync(user, IdentityErrors.MfaBackOff, $"{current.Failures} wrong MFA codes in a row: the next try is heard from {notBefore:u}", notBefore - now, cancellationToken);
            }

            var fresh = current is null || now - current.WindowStart >= Window;
            var failures = (fresh ? 0 : current!.Failures) + 1;
            var lockNow = failures >= LockAfter;
            var next = new MfaFailureRecord(
                user,
                failures,
                fresh ? now : current!.WindowStart,
                failures > FreeFailures ? now + BackOff(failures) : null,
                lockNow ? now + LockFor : null,
                (current?.Version ?? 0) + 1);
            if (await store.MfaStepUps.TryWriteFailuresAsync(next, current?.Version, cancellationToken))
            {
                if (lockNow)
                {
                    await audit.AppendAsync(
                        new AuditEvent
                        {
                            Kind = AuditEventKinds.MfaLocked,
                            User = user,
                            ActionType = "mfa",
                            ErrorCode = IdentityErrors.MfaLockedOut,
                            Error = $"{failures} MFA step-up attempts failed within {Window.TotalMinutes:0} minutes: locked until {next.LockedUntil:u}",
                            Detail = new Dictionary<string, string>(StringComparer.Ordinal) { ["failures"] = failures.ToString(System.Globalization.CultureInfo.InvariantCulture), ["locked_until"] = $"{next.LockedUntil:O}" },
                        },
                        cancellationToken);
                }

                return;
            }

            // Another gateway (or request) wrote first: read again. Each retry means someone else's attempt was
            // counted, so this ends; the bound is only a guard.
            if (attempt > 1000)
            {
                await RefuseAsync(user, IdentityErrors.MfaBackOff, "too many MFA attempts at once", FirstBackOff, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Takes back the failure <see cref="ChargeAsync"/> counted for a code that was right but used already (on
    /// this gateway or another): it tells a guesser nothing new, and people retrying a code are not punished.
    /// It never clears the budget, so replaying a seen code cannot lift a back-off or a lockout.
    /// </summary>
    public async ValueTask RefundAsync(string user, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var current = await store.MfaStepUps.GetFailuresAsync(user, cancellationToken);
            if (current is not { Failures: > 0 })
            {
                return;
            }

            var failures = current.Failures - 1;
            var next = current with { Failures = failures, NotBefore = failures > FreeFailures ? current.NotBefore : null, Version = current.Version + 1 };
            if (await store.MfaStepUps.TryWriteFailuresAsync(next, current.Version, cancellationToken))
            {
                return;
            }
        }
    }

    /// <summary>A right code: the user's failures are forgotten.</summary>
    public ValueTask ClearAsync(string user, CancellationToken cancellationToken) => store.MfaStepUps.ClearFailuresAsync(user, cancellationToken);

    /// <summary>The wait after the <paramref name="failures"/>th failure: doubling from <see cref="FirstBackOff"/>, at most <see cref="MaxBackOff"/>.</summary>
    public TimeSpan BackOff(long failures)
    {
        var doublings = Math.Clamp(failures - FreeFailures - 1, 0, 30);
        var wait = FirstBackOff * Math.Pow(2, doublings);
        return wait < MaxBackOff ? wait : MaxBackOff;
    }

    private async ValueTask RefuseAsync(string user, string errorId, string why, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        await audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.AuthFailed, User = user, ActionType = "mfa", ErrorCode = errorId, Error = "MFA step-up refused: " + why }, cancellationToken);
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        throw new RefusedException(errorId, $"{why} (in {seconds} s); the code was not checked") { RetryAfter = TimeSpan.FromSeconds(seconds) };
    }
}
