namespace Airlock.Masking.Tests.Accuracy.Corpus;

/// <summary>
/// The text shapes values turn up in: log lines, JSON, prose, key=value config, HTTP headers, SQL, CSV,
/// connection strings and shell commands. Context words appear only where people write them ("routing
/// number", "DOB", "phone:"); the detectors that need them are measured on text that has them.
/// </summary>
internal static class Templates
{
    public static IReadOnlyDictionary<string, string[]> ByType { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [EntityTypes.Card] =
        [
            "«ts» «level» «svc» charge ok card=«card» amount=«price» order=«uuid»",
            """{"order_id": «n», "card_number": "«card»", "exp": "08/27", "amount": "«price»"}""",
            "Customer «user» paid with «card» on «date».",
            "pan: «card»",
            "INSERT INTO payments (id, pan, created_at) VALUES («n», '«card»', '«ts»');",
            "«ts» WARN «svc» declined «card» reason=insufficient_funds",
            "«card»,visa,«n»,«date»",
            "X-Debug-Card: «card»",
        ],
        [EntityTypes.Iban] =
        [
            "«ts» «level» payout created iban=«iban» amount=«price»",
            """{"beneficiary": "ACME GmbH", "iban": "«iban»", "reference": "INV-«n»"}""",
            "Please transfer the balance to «iban» by Friday.",
            "IBAN: «iban»",
            "UPDATE accounts SET iban = '«iban»' WHERE id = «n»;",
            "account «iban» | BIC DEUTDEFF | «price»",
        ],
        [EntityTypes.AbaRouting] =
        [
            "routing number: «aba»",
            "«ts» INFO ach transfer routing=«aba» account=«n»",
            """{"routing_number": "«aba»", "account_number": "«n»"}""",
            "ABA «aba», account ending «n»",
            "RTN «aba»",
            "Wire to Chase, ABA routing no. «aba»",
            "bank_routing=«aba»",
        ],
        [EntityTypes.Ssn] =
        [
            "SSN: «ssn»",
            "«ts» «level» kyc check ssn=«ssn» result=match",
            """{"name": "Ada Lovelace", "ssn": "«ssn»"}""",
            "Social Security Number «ssn_spaced»",
            "ssn «ssn_plain»",
            "applicant «user» «ssn» verified",
            "INSERT INTO employees (name, ssn) VALUES ('Ann Lee', '«ssn»');",
            "SSN#: «ssn_plain»",
        ],
        [EntityTypes.Email] =
        [
            "«ts» «level» «svc» sent receipt to «email»",
            """{"id": «n», "email": "«email»", "verified": true}""",
            "From: Jane Doe <«email»>",
            "Reach out to «email» for access.",
            "user=«email» action=login result=ok",
            "mailto:«email»",
            "«email»,«date»,active",
            "SELECT * FROM users WHERE email = '«email»';",
        ],
        [EntityTypes.Phone] =
        [
            "«ts» INFO sms sent to «phone_intl» status=delivered",
            """{"phone": "«phone_intl»", "country": "US"}""",
            "phone: «phone_national»",
            "Call me at «phone_national» after 5pm.",
            "tel «phone_national»",
            "Mobile: «phone_intl»",
            "contact_number=«phone_intl»",
            "Fax «phone_national»",
            "whatsapp «phone_intl»",
            "«user» «phone_intl» «date»",
        ],
        [EntityTypes.IpAddress] =
        [
            "«ts» INFO «svc» request from «ipv4» «method» /api/v1/orders/«n» 200 «dur»",
            "«ipv4» - - [01/May/2024:12:03:44 +0000] \"GET /index.html HTTP/1.1\" 200 512",
            "X-Forwarded-For: «ipv4», «ipv4»",
            """{"remote_addr": "«ipv6»", "status": 403}""",
            "client «ipv6» connected",
            "host=«ipv4» port=5432 dbname=orders",
            "Failed password for invalid user admin from «ipv4» port «n» ssh2",
            "listen [«ipv6»]:8443",
            "peer=«ipv6» state=established",
        ],
        [EntityTypes.DateOfBirth] =
        [
            "DOB: «dob»",
            "date_of_birth=«dob»",
            """{"name": "Ann Lee", "dob": "«dob»"}""",
            "Patient born «dob», admitted «date»",
            "Date of birth: «dob»",
            "birthday «dob»",
            "birth_date,«dob»",
        ],
        [EntityTypes.AwsKey] =
        [
            "aws_access_key_id = «aws_id»",
            "export AWS_ACCESS_KEY_ID=«aws_id»",
            """{"AccessKeyId": "«aws_id»", "Expiration": "«ts»"}""",
            "«ts» ERROR s3 SignatureDoesNotMatch for access key «aws_id»",
            "aws_secret_access_key = «aws_secret»",
            "AWS_SECRET_ACCESS_KEY=«aws_secret»",
            "\"SecretAccessKey\": \"«aws_secret»\",",
            "  aws_secret_access_key: «aws_secret»",
        ],
        [EntityTypes.GithubToken] =
        [
            "GITHUB_TOKEN=«github»",
            "git remote set-url origin https://«github»@github.com/acme/api.git",
            "Authorization: token «github|auth_header»",
            """{"token": "«github»"}""",
            "«ts» WARN leaked credential detected: «github»",
            "echo «github» | gh auth login --with-token",
            "  github_token: «github»",
        ],
        [EntityTypes.SlackToken] =
        [
            "SLACK_BOT_TOKEN=«slack»",
            "curl -X POST -H 'Authorization: Bearer «slack|auth_header»' https://slack.com/api/chat.postMessage",
            "«slack_webhook»",
            "webhook_url: «slack_webhook»",
            """{"channel": "#alerts", "webhook": "«slack_webhook»"}""",
            "«ts» INFO notifier posted via «slack_webhook» status=200",
            "slack token «slack» revoked",
        ],
        [EntityTypes.StripeKey] =
        [
            "STRIPE_SECRET_KEY=«stripe»",
            "stripe.api_key = \"«stripe»\"",
            "curl https://api.stripe.com/v1/charges -u «stripe»:",
            """{"stripe_key": "«stripe»"}""",
            "«ts» ERROR payments invalid api key provided: «stripe»",
        ],
        [EntityTypes.GoogleApiKey] =
        [
            "GOOGLE_API_KEY=«google»",
            "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=«google»",
            """{"apiKey": "«google»", "authDomain": "acme-prod.firebaseapp.com"}""",
            "«ts» WARN quota exceeded for key «google»",
            "<meta name=\"maps-key\" content=\"«google»\">",
        ],
        [EntityTypes.AzureKey] =
        [
            "«azure»",
            "AZURE_STORAGE_CONNECTION_STRING=\"«azure»\"",
            """{"ConnectionStrings": {"Storage": "«azure»"}}""",
            "«ts» INFO export uploaded to «azure»",
            "az storage blob upload --connection-string '«azure»' -f report.csv",
        ],
        [EntityTypes.Jwt] =
        [
            "Authorization: Bearer «jwt|auth_header»",
            "«ts» DEBUG auth token=«jwt» user=«user»",
            """{"access_token": "«jwt»", "token_type": "Bearer", "expires_in": 3600}""",
            "Cookie: id_token=«jwt|auth_header»",
            "https://app.acme.test/callback#id_token=«jwt»&state=«short_sha»",
            "jwt «jwt»",
        ],
        [EntityTypes.PrivateKey] =
        [
            "«pem»",
            """{"type": "service_account", "private_key": "«pem_escaped»\n", "client_id": "«n»"}""",
            "deploy key:\n«pem»\n",
            "«ts» ERROR failed to parse key «pem_escaped»",
            "PRIVATE_KEY=\"«pem_escaped»\"",
        ],
        [EntityTypes.UrlCredentials] =
        [
            "DATABASE_URL=«url_creds»",
            "«ts» INFO connecting to «url_creds»",
            """{"dsn": "«url_creds»"}""",
            "psql «url_creds»",
            "spring.datasource.url=«url_creds»",
            "Error: connect ECONNREFUSED «url_creds»",
        ],
        [EntityTypes.AuthHeader] =
        [
            "Authorization: Bearer «bearer»",
            "authorization: Basic «basic»",
            "Proxy-Authorization: Basic «basic»",
            "curl -H \"Authorization: Bearer «bearer»\" https://api.acme.test/v1/me",
            """{"headers": {"Authorization": "Bearer «bearer»"}}""",
            "Cookie: «cookie»",
            "«ts» DEBUG http request headers: Cookie: «cookie»",
            "Set-Cookie: «set_cookie»; Path=/; HttpOnly; Secure",
        ],
        [EntityTypes.Secret] =
        [
            "password=«password»",
            "DB_PASSWORD=«password»",
            "  password: «password»",
            """{"username": "admin", "password": "«password»"}""",
            "Host=«host»;Username=app;Password=«password»;Database=orders",
            "jdbc:postgresql://«host»:5432/app?user=app&password=«password»",
            "client_secret=«api_secret»",
            "\"api_key\": \"«api_secret»\",",
            "ALTER USER app WITH PASSWORD '«password»';",
            "PGPASSWORD=«password» psql -h «host» -U app",
            "SECRET_KEY = '«api_secret»'",
            "mysql -u root --password=«password» shop",
        ],
    };

    /// <summary>Lines with several values of different types.</summary>
    public static string[] Mixed { get; } =
    [
        "«ts» INFO login user=«email» ip=«ipv4» session=«uuid»",
        """{"id": «n», "email": "«email»", "phone": "«phone_intl»", "card": "«card»", "created_at": "«ts»"}""",
        "export AWS_ACCESS_KEY_ID=«aws_id» AWS_SECRET_ACCESS_KEY=«aws_secret»",
        "«ts» WARN payout to «iban» failed; notified «email»",
        "DATABASE_URL=«url_creds» REDIS_URL=«url_creds»",
        "customer «email», SSN «ssn», DOB «dob», phone «phone_national»",
        """{"ip": "«ipv6»", "user_agent": "curl/8.5.0", "auth": "Bearer «bearer»"}""",
        "«ts» ERROR stripe charge failed card=«card» key=«stripe»",
        "wire «price» to «iban», routing number «aba»",
        "github: «github» slack: «slack»",
        "POST «slack_webhook» from «ipv4»",
        "«ipv4» «method» /login 401 Authorization: Basic «basic»",
    ];

    /// <summary>Lines with nothing to mask: the generated hard negatives.</summary>
    public static string[] Negative { get; } =
    [
        "«ts» «level» «svc» request_id=«uuid» «method» /api/v1/«word»s/«n» 200 «dur»",
        "commit «sha» Merge pull request #«n» from acme/feature-«short_sha»",
        "sha256:«sha256»  «word»-«version».tar.gz",
        "«ts» INFO «svc» «word» «n» total=«price» items=«n2»",
        "txn_id=«luhn_bad» status=settled",
        "reference «luhn_bad» amount «price»",
        "ISBN «isbn» «price»",
        "Upgraded «svc» from «version» to «version» in «dur»",
        "order «aba_id» shipped on «date»",
        "ref «ssn_bad» rejected",
        "«iban_bad» failed validation",
        "SELECT id, total FROM orders WHERE created_at > '«ts»' AND customer_id = «n» LIMIT 50;",
        "UPDATE «word»s SET status = 'done', updated_at = '«ts»' WHERE id = '«uuid»';",
        "The password field must be «n2» characters.",
        "Tokens expire after «n2» minutes; rotate the secret every «n2» days.",
        "docker pull registry.acme.test/«svc»@sha256:«sha256»",
        "«ts» DEBUG cache key=«word»:«n»:v2 ttl=3600 hit=true",
        "GC «n2»M->«n2»M(512M) «dur»",
        "Build «version» («short_sha») built at «ts»",
        "etag: \"«sha»\"",
        "x-request-id: «uuid»",
        "invoice «n» total «price» due «date»",
        "«ts» WARN retry 3/5 for job «uuid» after «dur»",
        "password: required, min length «n2»",
    ];
}
