namespace Airlock.Masking.Tests.Accuracy;

/// <summary>
/// Hand-written text that looks like sensitive data and is not: the categories the masking issue names
/// (UUIDs, git SHAs, sha256 digests, ISO timestamps, Luhn-invalid 16-digit numbers, ISBNs, versions,
/// prices, log lines, SQL, prose about secrets) and placeholders that stand in for secrets. Every one
/// must come out of the engine unchanged.
/// </summary>
internal static class HardNegatives
{
    public const string Uuid = "uuid";
    public const string GitSha = "git sha";
    public const string Sha256 = "sha256 digest";
    public const string Timestamp = "ISO timestamp";
    public const string LuhnInvalid = "Luhn-invalid 16 digits";
    public const string Isbn = "ISBN";
    public const string Version = "version";
    public const string Price = "price";
    public const string LogLine = "log line";
    public const string Sql = "SQL";
    public const string Prose = "prose";
    public const string Placeholder = "placeholder";

    public static IReadOnlyList<(string Category, string Text)> All { get; } =
    [
        (Uuid, "123e4567-e89b-12d3-a456-426614174000"),
        (Uuid, "request_id=9f1c2b7e-4d3a-4e8f-9b6c-1a2b3c4d5e6f"),
        (Uuid, "{\"trace_id\": \"00000000-0000-4000-8000-000000000000\"}"),
        (Uuid, "Deleted session 6ba7b810-9dad-11d1-80b4-00c04fd430c8 after 30 minutes"),
        (Uuid, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
        (Uuid, "x-correlation-id: 550e8400-e29b-41d4-a716-446655440000"),

        (GitSha, "commit 3f786850e387550fdab836ed7e6dc881de23001b"),
        (GitSha, "Merge 89e6c98d92887913cadf06b2adb97f26cde4849b into main"),
        (GitSha, "HEAD is now at a94a8fe Fix flaky test"),
        (GitSha, "git cherry-pick 4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
        (GitSha, "built from 1234567890abcdef1234567890abcdef12345678"),
        (GitSha, "revision: 0123456789012345678901234567890123456789"),

        (Sha256, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (Sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824  hello.txt"),
        (Sha256, "docker pull postgres@sha256:4b5e9e8e0c4f2b7d1a3c5e7f9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d"),
        (Sha256, "\"integrity\": \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\""),
        (Sha256, "checksum 9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0 OK"),

        (Timestamp, "2024-05-01T12:03:44.123Z"),
        (Timestamp, "created_at=2024-01-15T08:30:00+01:00"),
        (Timestamp, "2023-12-31 23:59:59.999999+00"),
        (Timestamp, "{\"ts\": \"2024-02-29T00:00:00Z\", \"level\": \"info\"}"),
        (Timestamp, "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT"),
        (Timestamp, "20240501T120344Z"),

        (LuhnInvalid, "4111111111111112"),
        (LuhnInvalid, "txn 5500005555555551 settled"),
        (LuhnInvalid, "order_ref=4532015112830367"),
        (LuhnInvalid, "6011000990139425"),
        (LuhnInvalid, "tracking number 4000 1234 5678 9011"),
        (LuhnInvalid, "5105-1051-0510-5101"),
        (LuhnInvalid, "INSERT INTO ledger (account, amount) VALUES (1234567890123456, 19.99);"),

        (Isbn, "ISBN 978-3-16-148410-0"),
        (Isbn, "ISBN-13: 9780306406157"),
        (Isbn, "isbn=979-10-90636-07-1"),
        (Isbn, "ISBN 0-306-40615-2"),
        (Isbn, "The Pragmatic Programmer, ISBN 978-0-13-595705-9, 2nd edition"),

        (Version, "PostgreSQL 16.2 on x86_64-pc-linux-gnu"),
        (Version, "nginx/1.25.3"),
        (Version, "Microsoft Windows [Version 10.0.19041.1415]"),
        (Version, "release 2.4.1.0 is out"),
        (Version, "node v20.11.1, npm 10.2.4"),
        (Version, "Microsoft.NET.Sdk 10.0.100-rc.2.25502.107"),
        (Version, "firmware 1.0.23.7 installed"),

        (Price, "Total: $1,299.00"),
        (Price, "4.999,00 EUR incl. VAT"),
        (Price, "amount=1234567.89 currency=USD"),
        (Price, "Subscription £12.99/month, billed annually at £129.90"),
        (Price, "price_cents=129900"),

        (LogLine, "2024-05-01T12:03:44.123Z INFO http GET /api/v1/orders/48213 200 12.4ms"),
        (LogLine, "[2024-05-01 12:03:44,123] ERROR worker-3 retry 3/5 in 1500ms"),
        (LogLine, "kernel: [ 8123.441201] EXT4-fs (sda1): mounted filesystem with ordered data mode"),
        (LogLine, "GC pause (G1 Evacuation Pause) 24M->18M(256M) 3.512ms"),
        (LogLine, "pid=48213 rss=1048576 vsz=2097152 threads=42 uptime=86400"),
        (LogLine, "DEBUG cache hit key=user:48213:profile ttl=3600"),
        (LogLine, "May 14 09:26:53 web-01 systemd[1]: Started Daily apt upgrade and clean activities."),
        (LogLine, "LOG:  checkpoint complete: wrote 1024 buffers (6.2%); 0 WAL file(s) added, 0 removed, 1 recycled"),
        (LogLine, "12:03:44.123 [main] INFO  o.s.b.w.e.tomcat.TomcatWebServer - Tomcat started on port(s): 8080 (http)"),

        (Sql, "SELECT id, email, created_at FROM customers WHERE id = 48213 LIMIT 50;"),
        (Sql, "UPDATE users SET password_hash = $1, updated_at = now() WHERE id = $2"),
        (Sql, "CREATE TABLE cards (id bigserial PRIMARY KEY, card_number text NOT NULL, token varchar(64))"),
        (Sql, "SELECT * FROM pg_stat_activity WHERE state = 'idle in transaction' AND backend_start < now() - interval '5 minutes'"),
        (Sql, "ALTER ROLE app PASSWORD NULL;"),
        (Sql, "SELECT md5(password) FROM accounts WHERE created_at BETWEEN '2024-01-01' AND '2024-01-31 23:59:59'"),
        (Sql, "WHERE api_key IS NOT NULL AND secret = :secret AND token = ?"),
        (Sql, "INSERT INTO audit (actor, action) VALUES ('deploy', 'rotate_token') RETURNING id"),

        (Prose, "the password field must be 12 characters"),
        (Prose, "Passwords must contain at least one digit and be 8 to 64 characters long."),
        (Prose, "Set the secret in the vault, never in the repo."),
        (Prose, "Rotate the token every 90 days."),
        (Prose, "Your session token has expired; please sign in again."),
        (Prose, "The Authorization header is required for every request."),
        (Prose, "Born in 1985, she joined the team in 2012."),
        (Prose, "Routing is handled by the gateway on port 8443."),
        (Prose, "Enter your phone number in the field below."),
        (Prose, "The API key is sent in the X-Api-Key header and must be 40 characters long."),

        (Placeholder, "password=${DB_PASSWORD}"),
        (Placeholder, "password: <redacted>"),
        (Placeholder, "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX"),
        (Placeholder, "GITHUB_TOKEN=ghp_your_token_here"),
        (Placeholder, "STRIPE_SECRET_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"),
        (Placeholder, "postgres://app:****@db.prod.internal:5432/orders"),
        (Placeholder, "Authorization: Bearer <token>"),
        (Placeholder, "api_key: \"{{ .Values.apiKey }}\""),
        (Placeholder, "SLACK_BOT_TOKEN=xoxb-your-token"),
    ];
}
