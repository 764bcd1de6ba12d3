using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Model;

/// <summary>A person known to the policy by name.</summary>
public sealed record UserDefinition(string Name, string? Email, SourceLocation Location);

/// <summary>A non-human principal for automation.</summary>
public sealed record ServiceAccountDefinition(string Name, string? Description, string? Owner, SourceLocation Location);

/// <summary>
/// A policy group. Membership comes from the static <see cref="Members"/> list and from the identity
/// provider: a principal whose IdP group claims contain any of <see cref="IdpGroups"/> is a member.
/// </summary>
public sealed record GroupDefinition(string Name, IReadOnlyList<NameReference> Members, IReadOnlyList<string> IdpGroups, SourceLocation Location);

/// <summary>A name written in a policy file, with where it was written, for error messages.</summary>
public sealed record NameReference(string Name, SourceLocation Location);
