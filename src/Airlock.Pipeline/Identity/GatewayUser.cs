namespace Airlock.Pipeline;

/// <summary>Who a client proved to be. Groups beyond the policy's own membership come from the identity provider.</summary>
public sealed record GatewayUser(string Name, IReadOnlyList<string> IdpGroups, bool Mfa);
