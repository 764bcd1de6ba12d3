using Airlock.Policy.Diagnostics;

namespace Airlock.Gateway.Configuration;

/// <summary>One entry of <c>users:</c>: a static user and its token (OIDC comes later).</summary>
public sealed record StaticUserConfig
{
    public required string Name { get; init; }

    public required TokenCredential Token { get; init; }

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
