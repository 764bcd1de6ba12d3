using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Airlock.Postgres.Proxy;
using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Robustness;

/// <summary>
/// The gateway with a short login timeout (so a silent client is dropped within the test's patience) and a
/// self-signed certificate (so SSLRequest leads to a real TLS handshake, which a bad client can break).
/// </summary>
public sealed class RobustnessGatewayHarness : GatewayHarness
{
    public static readonly TimeSpan LoginTimeout = TimeSpan.FromSeconds(3);

    protected override PgGatewayOptions ConfigureGateway(PgGatewayOptions options) =>
        options with { LoginTimeout = LoginTimeout, Certificate = SelfSigned() };

    internal static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=airlock-robustness", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }
}

/// <summary>The gateway for the fuzz test: the default login timeout, and a certificate so SSLRequest leads to a TLS handshake.</summary>
public sealed class FuzzGatewayHarness : GatewayHarness
{
    protected override PgGatewayOptions ConfigureGateway(PgGatewayOptions options) =>
        options with { Certificate = RobustnessGatewayHarness.SelfSigned() };
}
