namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// What each «token» in a template expands to. Value tokens are labelled with their entity type; noise
/// tokens are not, and must never be masked. «name|other_type» accepts a finding of other_type too.
/// </summary>
internal static class Tokens
{
    public static IReadOnlyDictionary<string, Func<CorpusRandom, Fragment>> All { get; } = new Dictionary<string, Func<CorpusRandom, Fragment>>(StringComparer.Ordinal)
    {
        // Values.
        ["card"] = r => Fragment.Whole(EntityTypes.Card, FinancialValues.Card(r)),
        ["iban"] = r => Fragment.Whole(EntityTypes.Iban, FinancialValues.Iban(r)),
        ["aba"] = r => Fragment.Whole(EntityTypes.AbaRouting, FinancialValues.AbaRouting(r)),
        ["ssn"] = r => Fragment.Whole(EntityTypes.Ssn, FinancialValues.SsnDashed(r)),
        ["ssn_spaced"] = r => Fragment.Whole(EntityTypes.Ssn, FinancialValues.SsnSpaced(r)),
        ["ssn_plain"] = r => Fragment.Whole(EntityTypes.Ssn, FinancialValues.SsnPlain(r)),
        ["email"] = r => Fragment.Whole(EntityTypes.Email, ContactValues.Email(r)),
        ["phone_intl"] = r => Fragment.Whole(EntityTypes.Phone, ContactValues.PhoneInternational(r)),
        ["phone_national"] = r => Fragment.Whole(EntityTypes.Phone, ContactValues.PhoneNational(r)),
        ["ipv4"] = r => Fragment.Whole(EntityTypes.IpAddress, ContactValues.Ipv4(r)),
        ["ipv6"] = r => Fragment.Whole(EntityTypes.IpAddress, ContactValues.Ipv6(r)),
        ["dob"] = r => Fragment.Whole(EntityTypes.DateOfBirth, ContactValues.DateOfBirth(r)),
        ["aws_id"] = r => Fragment.Whole(EntityTypes.AwsKey, TokenValues.AwsAccessKeyId(r)),
        ["aws_secret"] = r => Fragment.Whole(EntityTypes.AwsKey, TokenValues.AwsSecretKey(r)),
        ["github"] = r => Fragment.Whole(EntityTypes.GithubToken, TokenValues.GithubToken(r)),
        ["slack"] = r => Fragment.Whole(EntityTypes.SlackToken, TokenValues.SlackToken(r)),
        ["slack_webhook"] = TokenValues.SlackWebhook,
        ["stripe"] = r => Fragment.Whole(EntityTypes.StripeKey, TokenValues.StripeKey(r)),
        ["google"] = r => Fragment.Whole(EntityTypes.GoogleApiKey, TokenValues.GoogleApiKey(r)),
        ["azure"] = TokenValues.Azure,
        ["jwt"] = r => Fragment.Whole(EntityTypes.Jwt, TokenValues.Jwt(r)),
        ["pem"] = r => Fragment.Whole(EntityTypes.PrivateKey, TokenValues.PrivateKey(r, escaped: false)),
        ["pem_escaped"] = r => Fragment.Whole(EntityTypes.PrivateKey, TokenValues.PrivateKey(r, escaped: true)),
        ["url_creds"] = CredentialValues.UrlWithCredentials,
        ["bearer"] = r => Fragment.Whole(EntityTypes.AuthHeader, CredentialValues.BearerToken(r)),
        ["basic"] = r => Fragment.Whole(EntityTypes.AuthHeader, CredentialValues.BasicCredentials(r)),
        ["cookie"] = r => Fragment.Whole(EntityTypes.AuthHeader, CredentialValues.CookieValue(r)),
        ["set_cookie"] = r => Fragment.Part(EntityTypes.AuthHeader, r.Pick(["sessionid=", "session=", "__Host-sid="]), r.Chars(CorpusRandom.Alphanumeric, r.Next(24, 48))),
        ["password"] = r => Fragment.Whole(EntityTypes.Secret, CredentialValues.Password(r)),
        ["api_secret"] = r => Fragment.Whole(EntityTypes.Secret, CredentialValues.ApiSecret(r)),

        // Noise and hard negatives.
        ["ts"] = r => Fragment.Plain(Noise.Timestamp(r)),
        ["date"] = r => Fragment.Plain(Noise.Date(r)),
        ["uuid"] = r => Fragment.Plain(Noise.Uuid(r)),
        ["sha"] = r => Fragment.Plain(Noise.GitSha(r)),
        ["short_sha"] = r => Fragment.Plain(Noise.ShortSha(r)),
        ["sha256"] = r => Fragment.Plain(Noise.Sha256(r)),
        ["level"] = r => Fragment.Plain(Noise.Level(r)),
        ["svc"] = r => Fragment.Plain(Noise.Service(r)),
        ["user"] = r => Fragment.Plain(Noise.User(r)),
        ["host"] = r => Fragment.Plain(Noise.Host(r)),
        ["method"] = r => Fragment.Plain(Noise.Method(r)),
        ["word"] = r => Fragment.Plain(Noise.Word(r)),
        ["n"] = r => Fragment.Plain(Noise.Number(r)),
        ["n2"] = r => Fragment.Plain(r.Next(2, 99).ToString()),
        ["dur"] = r => Fragment.Plain(Noise.Duration(r)),
        ["price"] = r => Fragment.Plain(Noise.Price(r)),
        ["version"] = r => Fragment.Plain(Noise.Version(r)),
        ["luhn_bad"] = r => Fragment.Plain(Noise.LuhnInvalid16(r)),
        ["isbn"] = r => Fragment.Plain(Noise.Isbn13(r)),
        ["aba_id"] = r => Fragment.Plain(Noise.AbaShapedId(r)),
        ["ssn_bad"] = r => Fragment.Plain(Noise.InvalidSsn(r)),
        ["iban_bad"] = r => Fragment.Plain(Noise.InvalidIban(r)),
    };
}
