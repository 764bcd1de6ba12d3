using System.Buffers.Text;
using System.Text;
using Airlock.Masking.Detection.Detectors;

namespace Airlock.Masking.Tests.Detection;

public class CredentialDetectorTests
{
    private static string B64Url(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));

    private static readonly string Jwt =
        $"{B64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")}.{B64Url("{\"sub\":\"1234567890\",\"name\":\"Alice\",\"iat\":1516239022}")}.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Fact]
    public void Jwt_is_found_whole()
    {
        Assert.Equal([Jwt], Scan.With(new JwtDetector(), $"token={Jwt}&x=1"));
        Assert.Equal([Jwt], Scan.With(new JwtDetector(), Jwt));
        Assert.Equal([Jwt], Scan.With(new JwtDetector(), $"\"{Jwt}\""));
    }

    [Fact]
    public void Unsigned_jwt_with_empty_signature_is_found()
    {
        var unsigned = $"{B64Url("{\"alg\":\"none\"}")}.{B64Url("{\"sub\":\"alice\",\"admin\":true}")}.";
        Assert.Equal([unsigned], Scan.With(new JwtDetector(), $"{unsigned} "));
    }

    [Theory]
    [InlineData("{\"typ\":\"JWT\"}")]          // no alg
    [InlineData("{\"alg\":\"HS256\"")]         // not a whole JSON object
    public void Jwt_whose_header_lacks_alg_is_rejected(string header) =>
        Assert.Empty(Scan.With(new JwtDetector(), $"{B64Url(header)}.{B64Url("{\"sub\":\"alice\"}")}.abc"));

    [Theory]
    [InlineData("eyJhbGciOiJIUzI1NiJ9")]                               // one part
    [InlineData("eyJhbGciOiJIUzI1NiJ9.notjson.sig")]                  // payload is not JSON
    [InlineData("EYJHBGCIOIJIUZI1NIJ9.EYJZDWIIOIJHBGLJZSJ9.sig")]     // upper-cased
    public void Jwt_negatives(string text) => Assert.Empty(Scan.With(new JwtDetector(), text));

    [Theory]
    [InlineData("RSA PRIVATE KEY")]
    [InlineData("PRIVATE KEY")]
    [InlineData("EC PRIVATE KEY")]
    [InlineData("OPENSSH PRIVATE KEY")]
    [InlineData("ENCRYPTED PRIVATE KEY")]
    public void Pem_private_key_block_is_found_whole(string label)
    {
        var body = string.Join('\n', Enumerable.Range(0, 30).Select(i => Generate.Random(64, seed: i)));
        var pem = $"-----BEGIN {label}-----\n{body}\n-----END {label}-----";
        Assert.Equal([pem], Scan.With(new PrivateKeyDetector(), $"key:\n{pem}\nnext line"));
    }

    [Fact]
    public void Pem_with_escaped_newlines_in_json_is_found()
    {
        const string pem = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----";
        Assert.Equal([pem], Scan.With(new PrivateKeyDetector(), $"{{\"private_key\": \"{pem}\"}}"));
    }

    [Fact]
    public void Truncated_pem_masks_the_key_material_that_is_there()
    {
        const string text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nq2w3e4r5t6y7";
        Assert.Equal([text], Scan.With(new PrivateKeyDetector(), text));
    }

    [Theory]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN ")]
    public void Pem_certificates_and_public_keys_are_left_alone(string text) => Assert.Empty(Scan.With(new PrivateKeyDetector(), text));

    [Theory]
    [InlineData("postgres://app:s3cr3t@db.internal:5432/prod", "s3cr3t")]
    [InlineData("DATABASE_URL=mysql://root:p%40ss@10.0.0.5/db", "p%40ss")]
    [InlineData("redis://:hunter22@cache:6379", "hunter22")]
    [InlineData("https://user:tok:en@example.com/", "tok:en")]
    [InlineData("amqp://guest:guest@rabbit", "guest")]
    public void Url_credentials_mask_only_the_password(string text, string expected) =>
        Assert.Equal([expected], Scan.With(new UrlCredentialsDetector(), text));

    [Theory]
    [InlineData("https://example.com/path?a=b")]
    [InlineData("ssh://git@github.com/org/repo")]
    [InlineData("postgres://app:${DB_PASSWORD}@db/prod")]
    [InlineData("postgres://app:****@db/prod")]
    [InlineData("https://example.com/@user:name")]
    [InlineData("10:20:30 user:pass@host")]
    public void Url_credentials_negatives(string text) => Assert.Empty(Scan.With(new UrlCredentialsDetector(), text));

    [Theory]
    [InlineData("Authorization: Bearer abc123DEF456ghi789", "abc123DEF456ghi789")]
    [InlineData("authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l", "YWxhZGRpbjpvcGVuc2VzYW1l")]
    [InlineData("\"Authorization\": \"Token 9f8e7d6c5b4a3f2e1d0c\"", "9f8e7d6c5b4a3f2e1d0c")]
    [InlineData("Proxy-Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l\r\n", "YWxhZGRpbjpvcGVuc2VzYW1l")]
    [InlineData("Authorization: Digest username=\"a\", response=\"6629fae49393a053\"\r\nHost: x", "username=\"a\", response=\"6629fae49393a053\"")]
    [InlineData("curl -H 'Authorization: 0123456789abcdefghij'", "0123456789abcdefghij")]
    [InlineData("sent bearer Zx9KqL2mWp7RtY4vBn8c", "Zx9KqL2mWp7RtY4vBn8c")]
    public void Authorization_credentials_are_found(string text, string expected) =>
        Assert.Equal([expected], Scan.With(new AuthorizationHeaderDetector(), text));

    [Theory]
    [InlineData("the Authorization header is required")]
    [InlineData("Authorization: Basic notbase64!")]
    [InlineData("Authorization: Basic aGVsbG8=")]                 // base64 without user:password
    [InlineData("authorization_code=abc123abc123abc123")]
    [InlineData("Authorization: Bearer ${TOKEN}")]
    [InlineData("use a Bearer token for this API")]
    [InlineData("Bearer authentication scheme")]
    public void Authorization_negatives(string text) => Assert.Empty(Scan.With(new AuthorizationHeaderDetector(), text));

    [Theory]
    [InlineData("Cookie: session=abc123xyz; theme=dark\r\nHost: x", "abc123xyz; theme=dark")]
    [InlineData("Set-Cookie: sid=31d4d96e407aad42; Path=/; HttpOnly", "31d4d96e407aad42")]
    [InlineData("\"cookie\": \"JSESSIONID=ABCDEF0123456789\"", "ABCDEF0123456789")]
    public void Cookie_values_are_found(string text, string expected) =>
        Assert.Equal([expected], Scan.With(new CookieDetector(), text));

    [Theory]
    [InlineData("the cookie banner is shown")]
    [InlineData("cookie_consent=true")]
    [InlineData("Cookie: none")]
    public void Cookie_negatives(string text) => Assert.Empty(Scan.With(new CookieDetector(), text));

    [Theory]
    [InlineData("password=hunter22", "hunter22")]
    [InlineData("DB_PASSWORD: 'c0rrect-h0rse'", "c0rrect-h0rse")]
    [InlineData("{\"password\":\"Tr0ub4dor&3\"}", "Tr0ub4dor&3")]
    [InlineData("Server=db;User Id=sa;Password=Secr3t!;Encrypt=true", "Secr3t!")]
    [InlineData("Host=db;Pwd=changeme;", "changeme")]
    [InlineData("ALTER ROLE app WITH PASSWORD 'n3w-pass'", "n3w-pass")]
    [InlineData("passphrase = \"correct horse battery staple\"", "correct horse battery staple")]
    [InlineData("client_secret=8f2a9c0d4b7e1f3a6c5d", "8f2a9c0d4b7e1f3a6c5d")]
    [InlineData("X-Api-Key: 4b7e1f3a6c5d8f2a", "4b7e1f3a6c5d8f2a")]
    [InlineData("\"access_token\" => \"ya29a0AfH6SMBx3k9Lq\"", "ya29a0AfH6SMBx3k9Lq")]
    [InlineData("secretKey := \"Zm9vYmFyYmF6cXV4cXV1eA1\"", "Zm9vYmFyYmF6cXV4cXV1eA1")]
    [InlineData("export DB_PASSWORD=hunter22", "hunter22")]
    public void Key_value_secrets_mask_only_the_value(string text, string expected) =>
        Assert.Equal([expected], Scan.With(new KeyValueSecretDetector(), text));

    [Theory]
    [InlineData("the password field must be 12 characters")]
    [InlineData("password: must be 12 characters")]
    [InlineData("Password: minimum 12 characters")]
    [InlineData("password_hash=$2b$12$abcdefghijklmnopqrstuv")]
    [InlineData("token_count=5000")]
    [InlineData("tokenizer=bpe-v2")]
    [InlineData("passwordless=true")]
    [InlineData("password=${DB_PASSWORD}")]
    [InlineData("password={{ vault.db }}")]
    [InlineData("password: ********")]
    [InlineData("password=null")]
    [InlineData("UPDATE users SET password = $1 WHERE id = 42")]
    [InlineData("SELECT id FROM users WHERE password = crypt('x', password)")]
    [InlineData("SELECT password FROM users")]
    [InlineData("if (password == expected)")]
    [InlineData("PWD=/home/alice")]
    [InlineData("secret: db-credentials")]         // a Kubernetes secret's name, not its value
    [InlineData("token=abc")]
    [InlineData("api_key_id=12345678")]
    [InlineData("token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789")] // left to the GitHub detector
    public void Key_value_negatives(string text) => Assert.Empty(Scan.With(new KeyValueSecretDetector(), text));
}
