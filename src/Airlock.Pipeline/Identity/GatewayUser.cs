using Airlock.Policy.Evaluation;

namespace Airlock.Pipeline;

/// <summary>Who a client proved to be. Groups beyond the policy's own membership come from the identity provider.</summary>
public sealed record GatewayUser(string Name, IReadOnlyList<string> IdpGroups, bool Mfa)
{
    /// <summary>For a login with an API token: which token, and the resources and statement kinds it is limited to. Null: the user's own login, limited by policy only.</summary>
    public TokenScope? Token { get; init; }

    /// <summary>When the identity provider last saw MFA (its auth_time, else the token's issue time); null when it did not, or for a static user.</summary>
    public DateTimeOffset? MfaAt { get; init; }

    /// <summary>Who this is, as policy resolves principals (its groups, grants and MFA are added by the caller where they apply).</summary>
    public PrincipalInfo PrincipalInfo() => new() { User = Name, IdpGroups = IdpGroups, Mfa = Mfa };
}

/// <summary>
/// What an API token may do, on top of what policy allows its user: only these resources, and only these
/// kinds of statement (read, write, …). Empty lists mean no limit of that sort.
/// </summary>
public sealed record TokenScope(string TokenId, IReadOnlyList<string> Resources, IReadOnlyList<string> SqlKinds)
{
    public bool AllowsResource(string resource) => Resources.Count == 0 || Resources.Contains(resource, StringComparer.Ordinal);

    public bool AllowsSql(string kind) => SqlKinds.Count == 0 || SqlKinds.Contains(kind, StringComparer.Ordinal);
}
