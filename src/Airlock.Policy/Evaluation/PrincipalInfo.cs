namespace Airlock.Policy.Evaluation;

/// <summary>
/// Who is acting, as the authenticator knows them. <see cref="Groups"/> are policy groups asserted
/// directly (static users, tests); <see cref="IdpGroups"/> are raw identity-provider claims, mapped to
/// policy groups through each group's <c>idp_groups</c>. Static <c>members</c> lists apply as well.
/// </summary>
public sealed record PrincipalInfo
{
    public required string User { get; init; }
    public IReadOnlyList<string> Groups { get; init; } = [];
    public IReadOnlyList<string> IdpGroups { get; init; } = [];
    public bool Mfa { get; init; }

    /// <summary>Names of the just-in-time grants active for this principal now.</summary>
    public IReadOnlyList<string> Grants { get; init; } = [];
}
