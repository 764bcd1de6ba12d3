namespace Airlock.Masking;

/// <summary>The entity types the detectors know, and the default strategy of each.</summary>
public static class EntityTypes
{
    public const string Card = "card";
    public const string Iban = "iban";
    public const string AbaRouting = "aba_routing";
    public const string Ssn = "ssn";
    public const string Email = "email";
    public const string Phone = "phone";
    public const string IpAddress = "ip_address";
    public const string DateOfBirth = "date_of_birth";
    public const string PersonName = "person_name";
    public const string Address = "address";
    public const string AwsKey = "aws_key";
    public const string GithubToken = "github_token";
    public const string SlackToken = "slack_token";
    public const string StripeKey = "stripe_key";
    public const string GoogleApiKey = "google_api_key";
    public const string AzureKey = "azure_key";
    public const string Jwt = "jwt";
    public const string PrivateKey = "private_key";
    public const string UrlCredentials = "url_credentials";
    public const string AuthHeader = "auth_header";
    public const string Secret = "secret";

    public static IReadOnlyDictionary<string, MaskingStrategy> Defaults { get; } = new Dictionary<string, MaskingStrategy>(StringComparer.Ordinal)
    {
        ["card"] = MaskingStrategy.Partial,
        ["iban"] = MaskingStrategy.Partial,
        ["aba_routing"] = MaskingStrategy.Redact,
        ["ssn"] = MaskingStrategy.Redact,
        ["email"] = MaskingStrategy.Partial,
        ["phone"] = MaskingStrategy.Partial,
        ["ip_address"] = MaskingStrategy.Token,
        ["date_of_birth"] = MaskingStrategy.Redact,
        ["person_name"] = MaskingStrategy.Token,
        ["address"] = MaskingStrategy.Redact,
        ["aws_key"] = MaskingStrategy.Redact,
        ["github_token"] = MaskingStrategy.Redact,
        ["slack_token"] = MaskingStrategy.Redact,
        ["stripe_key"] = MaskingStrategy.Redact,
        ["google_api_key"] = MaskingStrategy.Redact,
        ["azure_key"] = MaskingStrategy.Redact,
        ["jwt"] = MaskingStrategy.Redact,
        ["private_key"] = MaskingStrategy.Redact,
        ["url_credentials"] = MaskingStrategy.Redact,
        ["auth_header"] = MaskingStrategy.Redact,
        ["secret"] = MaskingStrategy.Redact,
    };
}
