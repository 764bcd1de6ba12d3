using Airlock.Masking.Detection;

namespace Airlock.Masking.Tests.Detection;

/// <summary>
/// The list of things regex-only tools get wrong. Every detector in the catalog runs over them
/// through the real scanner, and nothing may be found.
/// </summary>
public class HardNegativeTests
{
    private const string Block = """
        request_id=123e4567-e89b-12d3-a456-426614174000 trace=7f3c2a1e-0b9d-4c8e-9f6a-5d4e3c2b1a09
        commit 3f786850e387550fdab836ed7e6dc881de23001b merged into main (short 3f78685)
        image sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 pulled
        digest=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
        2024-01-15T10:20:30.123Z 2024-01-15T10:20:30+05:30 2024-01-15 10:20:30,123 1705314030 1705314030123
        Mon, 15 Jan 2024 10:20:30 GMT 15/01/2024 01/15/2024 10:20:30.123456
        order 4111111111111112 failed; ref 1234567812345678; batch 0000000000000000
        ISBN 978-3-16-148410-0, ISBN-13: 9780306406157, ISBN-10: 0-306-40615-2
        version 1.2.3.4 installed; v10.0.19041.1; Version: 2.3.4.5; release 6.1.7601.24214; build 1.0.0.1; npm i lodash@4.17.21
        Total: $1,234.56 (USD 1234.50) + €99.99 tax 12.5% qty 3 x 19.99 = 59.97; balance -4,500.00
        [2024-01-15 10:20:30] INFO  [main] Processed 1234567 rows in 4.52s (273142 rows/s), heap 512MB, gc 3
        [2024-01-15 10:20:31] WARN  [pool-2-thread-7] Retry 3/5 after 250ms; queue depth 10240; pid 48213
        2024/01/15 10:20:32 http: GET /api/v1/orders/998877?page=2&size=50 200 12.3ms
        SELECT id, email, created_at FROM users WHERE created_at > '2024-01-01' AND amount = 1234.56 LIMIT 100;
        UPDATE accounts SET password = $1, updated_at = now() WHERE id = 42;
        SELECT password FROM users WHERE id = 7;
        The password field must be 12 characters and the token expires after 3600 seconds.
        Rotate your secret every 90 days; an API key is required for the Authorization header.
        Set the cookie banner and the bearer token documentation, see RFC 6750 section 2.1.
        std::vector<int> v; Foo::Bar::baz(); a::b; mac 00:1a:2b:3c:4d:5e; at 10:20:30
        Java 17.0.9+9, Python 3.12.1, kernel 6.5.0-14-generic, OpenSSL 3.0.2 15 Mar 2022
        ports 5432, 6379, 8080-8090; size 1048576 bytes; ratio 0.75; 99.9th percentile 123.4ms
        AKIAXXXXXXXXXXXXXXXX ghp_your_token_here sk_live_XXXXXXXXXXXXXXXXXXXXXXXX
        password=${DB_PASSWORD} token_count=5000 passwordless=true password_hash=bcrypt
        """;

    [Fact]
    public void Catalog_finds_nothing_in_hard_negatives()
    {
        var findings = Scan.WithCatalog(Block);
        Assert.Empty(findings);
    }

    [Theory]
    [InlineData("123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("3f786850e387550fdab836ed7e6dc881de23001b")]
    [InlineData("1234567812345678")]
    [InlineData("9780306406157")]
    [InlineData("1.2.3.4 is the version")]
    [InlineData("version 1.2.3.4")]
    [InlineData("2024-01-15T10:20:30Z")]
    [InlineData("$1,234.56")]
    [InlineData("the password field must be 12 characters")]
    public void Each_hard_negative_alone_finds_nothing_at_text_boundaries(string text)
    {
        // "1.2.3.4 is the version" is the one the issue calls out: only a version word before it counts.
        if (text.StartsWith("1.2.3.4", StringComparison.Ordinal))
        {
            Assert.Equal(["ip_address:1.2.3.4"], Scan.WithCatalog(text));
            return;
        }

        Assert.Empty(Scan.WithCatalog(text));
    }

    [Fact]
    public void Catalog_finds_each_entity_once_in_a_mixed_log_line()
    {
        const string line = "2024-01-15 10:20:30 user=alice@example.com card=4111 1111 1111 1111 ip=10.1.2.3 ssn=123-45-6789 "
            + "url=postgres://app:s3cr3t@db/prod Authorization: Bearer Zx9KqL2mWp7RtY4vBn8c";
        Assert.Equal(
            [
                "email:alice@example.com", "card:4111 1111 1111 1111", "ip_address:10.1.2.3", "ssn:123-45-6789",
                "url_credentials:s3cr3t", "auth_header:Zx9KqL2mWp7RtY4vBn8c",
            ],
            Scan.WithCatalog(line));
    }

    [Fact]
    public void Every_entity_type_the_catalog_reports_is_a_known_one()
    {
        foreach (var detector in DetectorCatalog.All)
        {
            Assert.True(EntityTypes.Defaults.ContainsKey(detector.EntityType), detector.Name);
        }

        Assert.Equal(DetectorCatalog.All.Count, DetectorCatalog.All.Select(d => d.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void No_match_path_does_not_allocate()
    {
        var scanner = new TextScanner(DetectorCatalog.All);
        var findings = new List<Finding>(16);
        scanner.Scan(Block, findings); // warm up: statics, SearchValues, JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
        {
            scanner.Scan(Block, findings);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Empty(findings);
    }
}
