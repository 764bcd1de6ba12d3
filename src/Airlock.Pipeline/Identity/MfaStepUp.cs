using System.Collections.Concurrent;
using Airlock.Audit;

namespace Airlock.Pipeline;

/// <summary>
/// MFA step-up with built-in TOTP (RFC 6238), for local users and for identity providers that give no MFA
/// claim. A user proves a fresh code (<c>airlock mfa</c>); for <see cref="Freshness"/> after that, policy's
/// <c>mfa: required</c> conditions hold for their sessions, open ones included. A code is used once.
/// The record of who stepped up is kept by this gateway instance.
/// </summary>
public sealed class MfaStepUp(IReadOnlyDictionary<string, byte[]> secrets, AuditTrail audit, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, long Step)> _verified = new(StringComparer.Ordinal);

    /// <summary>How long a step-up counts.</summary>
    public static TimeSpan Freshness { get; } = TimeSpan.FromMinutes(15);

    /// <summary>When the user last stepped up, if that is still fresh.</summary>
    public DateTimeOffset? FreshSince(string user) =>
        _verified.TryGetValue(user, out var v) && time.GetUtcNow() - v.At < Freshness ? v.At : null;

    /// <summary>Checks a code; on success the user's sessions count as MFA-verified for <see cref="Freshness"/>. Every try is audited.</summary>
    public async ValueTask<DateTimeOffset> VerifyAsync(GatewayUser user, string code, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(code);
        if (!secrets.TryGetValue(user.Name, out var secret))
        {
            throw new RefusedException(IdentityErrors.MfaFailed, $"{user.Name} has no TOTP set up on this gateway (users.{user.Name}.totp in its config)");
        }

        var now = time.GetUtcNow();
        var step = Totp.Match(secret, code, now);
        var replayed = step is { } s && _verified.TryGetValue(user.Name, out var last) && last.Step >= s;
        if (step is null || replayed)
        {
            var why = step is null ? "the code is wrong or too old" : "the code was used already";
            await audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.AuthFailed, User = user.Name, ActionType = "mfa", Error = "MFA step-up refused: " + why }, cancellationToken);
            throw new RefusedException(IdentityErrors.MfaFailed, $"MFA step-up refused: {why}; wait for the next code from your authenticator app");
        }

        _verified[user.Name] = (now, step.Value);
        await audit.AppendAsync(new AuditEvent { Kind = AuditEventKinds.MfaVerified, User = user.Name, ActionType = "mfa", Mfa = true }, cancellationToken);
        return now;
    }
}
