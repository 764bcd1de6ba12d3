using Airlock.Gateway.Configuration;
using Airlock.TestSupport.Identity;

namespace Airlock.Gateway.Tests.Identity;

/// <summary>
/// The gateway's side of <see cref="TestIdentityProvider"/>: it lives in TestSupport, which does not reference the
/// gateway, so the gateway's configuration for it is built here.
/// </summary>
internal static class TestIdentityProviderConfig
{
    /// <summary>The gateway's <c>oidc:</c> for this IdP: http allowed (loopback), everything else default.</summary>
    public static OidcConfig Config(this TestIdentityProvider idp) => new()
    {
        Issuer = idp.Issuer,
        Audiences = [TestIdentityProvider.Audience],
        RequireHttpsMetadata = false,
    };
}
