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
}

/// <summary>One admin token; <see cref="Name"/> is what the audit records as the caller (<c>admin-1</c>… when not given).</summary>
public sealed record AdminTokenConfig
{
    public required string Name { get; init; }

    public required TokenCredential Token { get; init; }

    public SourceLocation Location { get; init; }
}
