using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// One entry of <c>users:</c>: a static user and its token, or a user of the identity provider who has no
/// static token but steps up with TOTP because the IdP gives no MFA claim (then only <c>totp</c>).
/// </summary>
public sealed record StaticUserConfig
{
    public required string Name { get; init; }

    /// <summary>The user's static token; null for an IdP user listed only for their TOTP secret.</summary>
    public TokenCredential? Token { get; init; }

    /// <summary>The user's TOTP secret (base32, as authenticator apps take it), for MFA step-up; null: none.</summary>
    public ConfiguredSecret? Totp { get; init; }

    public SourceLocation Location { get; init; }
}

/// <summary>The <c>admin:</c> section: who may call the admin API.</summary>
public sealed record AdminConfig
{
    public IReadOnlyList<AdminTokenConfig> Tokens { get; init; } = [];

    /// <summary>People who may use the admin API as themselves (<c>admin.people</c>); null: only admin tokens.</summary>
    public AdminPeopleConfig? People { get; init; }
}

/// <summary>
/// <c>admin.people</c>: members of these policy groups (IdP groups mapped by policy count) use the admin API
/// with their own credentials, and only with MFA at most <see cref="MfaWithin"/> old: a kill or a reload is
/// then a named person's act with a fresh second factor, not a shared bearer token's.
/// </summary>
public sealed record AdminPeopleConfig
{
    public required IReadOnlyList<string> Groups { get; init; }

    /// <summary>How recent the person's MFA must be (TOTP step-up, or the IdP's at airlock login); 15 minutes unless set.</summary>
    public TimeSpan MfaWithin { get; init; } = DefaultMfaWithin;

    public static TimeSpan DefaultMfaWithin { get; } = TimeSpan.FromMinutes(15);

    public SourceLocation Location { get; init; }
}

/// <summary>One admin token; <see cref="Name"/> is what the audit records as the caller (<c>admin-1</c>… when not given).</summary>
public sealed record AdminTokenConfig
{
    public required string Name { get; init; }

    public required TokenCredential Token { get; init; }

    public SourceLocation Location { get; init; }
}
