using Airlock.Masking.Detection.Detectors;

namespace Airlock.Masking.Detection;

/// <summary>
/// Every detector Airlock ships, in priority order within each trigger kind. At a digit run the first
/// detector that matches wins, so the cheapest, most specific validators go first: IBAN (needs two
/// capitals glued before the digits), card (IIN and Luhn), SSN (ranges), then the context-bound ones
/// (ABA routing, date of birth, phone) and IPv4 last. At a keyword, vendor formats come before the
/// generic key=value rule, which also defers to them when a value carries a vendor prefix.
/// </summary>
internal static class DetectorCatalog
{
    public static IReadOnlyList<Detector> All { get; } =
    [
        // Digits.
        new IbanDetector(),
        new PaymentCardDetector(),
        new SsnDetector(),
        new AbaRoutingDetector(),
        new DateOfBirthDetector(),
        new Ipv4Detector(), // before phone: 10.222.135.21 is an address, whatever words stand near it
        new PhoneDetector(),

        // '@' and ':'.
        new EmailDetector(),
        new UrlCredentialsDetector(),
        new Ipv6Detector(),

        // Keywords.
        new PrivateKeyDetector(),
        new JwtDetector(),
        new AwsAccessKeyDetector(),
        new AwsSecretKeyDetector(),
        new GithubTokenDetector(),
        new SlackTokenDetector(),
        new StripeKeyDetector(),
        new GoogleApiKeyDetector(),
        new AzureKeyDetector(),
        new AuthorizationHeaderDetector(),
        new CookieDetector(),
        new KeyValueSecretDetector(),
    ];
}
