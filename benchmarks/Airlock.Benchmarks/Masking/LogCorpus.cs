using Airlock.Masking;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// A deterministic application log of about 1 MB, the kind an engineer tails through the gateway:
/// access lines with client IPs and browser user agents, JSON response bodies with prices, SQL with
/// placeholders, job and cache lines, a few errors. Every line starts with an ISO timestamp; most carry
/// a UUID request id. Sensitive values that should not be there (emails, cards, phones, SSNs, tokens,
/// keys, passwords in URLs, IBANs, dates of birth) appear about once per 1.5 KB, as they do in real logs.
/// </summary>
internal static class LogCorpus
{
    public const int Seed = 20240514;

    private static readonly string[] Paths = ["/api/v1/orders/", "/api/v1/customers/", "/api/v1/invoices/", "/api/v1/products/", "/healthz?probe=", "/api/v2/carts/"];
    private static readonly string[] Methods = ["GET", "GET", "GET", "POST", "PUT", "DELETE"];
    private static readonly int[] Statuses = [200, 200, 200, 200, 201, 204, 304, 400, 404, 500];
    private static readonly string[] Agents =
    [
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
        "curl/8.5.0",
        "okhttp/4.12.0",
        "Go-http-client/2.0",
    ];

    private static readonly string[] Statements =
    [
        "SELECT o.id, o.status, o.total FROM orders o WHERE o.customer_id = $1 AND o.created_at > $2 ORDER BY o.created_at DESC LIMIT 50",
        "UPDATE orders SET status = $1, updated_at = now() WHERE id = $2",
        "INSERT INTO order_items (order_id, sku, qty, unit_price) VALUES ($1, $2, $3, $4)",
        "SELECT count(*) FROM invoices WHERE due_date < current_date - interval '30 days' AND paid = false",
        "SELECT p.sku, p.name, s.on_hand FROM products p JOIN stock s ON s.sku = p.sku WHERE s.on_hand < 10",
    ];

    private static readonly string[] Statuses2 = ["pending", "paid", "shipped", "delivered", "refunded"];

    /// <summary>Log lines, each one a labelled document, until the text reaches <paramref name="targetChars"/>.</summary>
    public static IReadOnlyList<LabelledText> Lines(int targetChars = 1_000_000)
    {
        var values = new SampleValues(new Random(Seed));
        var line = new LineBuilder();
        var lines = new List<LabelledText>();
        var clock = new DateTimeOffset(2024, 5, 14, 9, 0, 0, TimeSpan.Zero);
        var total = 0;
        var sinceSensitive = 0;
        while (total < targetChars)
        {
            clock = clock.AddMilliseconds(values.Next(1, 400));
            line.Keep("timestamp", clock.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"));

            // A sensitive line once the last one is 1 to 2 KB behind.
            if (sinceSensitive > values.Next(1000, 2000))
            {
                Sensitive(line, values);
                sinceSensitive = 0;
            }
            else
            {
                Ordinary(line, values);
            }

            var built = line.Build();
            lines.Add(built);
            total += built.Text.Length + 1;
            sinceSensitive += built.Text.Length + 1;
        }

        return lines;
    }

    /// <summary>The lines joined by '\n', with every label moved to its offset in the whole text.</summary>
    public static LabelledText Join(IReadOnlyList<LabelledText> lines)
    {
        var labels = new List<Label>();
        var offset = 0;
        foreach (var line in lines)
        {
            labels.AddRange(line.Labels.Select(l => l with { Start = l.Start + offset }));
            offset += line.Text.Length + 1;
        }

        return new LabelledText(string.Join('\n', lines.Select(l => l.Text)) + "\n", labels);
    }

    private static void Ordinary(LineBuilder line, SampleValues v)
    {
        switch (v.Next(0, 20))
        {
            case < 8:
                line.Text(" INFO  http.access request_id=").Keep("request_id", v.Uuid())
                    .Text(" client_ip=").Pii(EntityTypes.IpAddress, v.Next(0, 25) == 0 ? v.Ipv6() : v.Ipv4())
                    .Text($" method={v.Pick(Methods)} path={v.Pick(Paths)}").Keep("order_id", v.OrderId())
                    .Text($" status={v.Pick(Statuses)} bytes={v.Next(120, 48000)} duration_ms={v.Next(1, 900)}.{v.Next(10)}")
                    .Text($" ua=\"{v.Pick(Agents)}\"");
                break;
            case < 12:
                line.Text(" DEBUG api.orders response request_id=").Keep("request_id", v.Uuid())
                    .Text(" body={\"order_id\":").Keep("order_id", v.OrderId())
                    .Text($",\"status\":\"{v.Pick(Statuses2)}\",\"total\":\"").Keep("price", v.Price())
                    .Text($"\",\"currency\":\"EUR\",\"items\":[{{\"sku\":\"SKU-{v.Next(10000, 99999)}\",\"qty\":{v.Next(1, 9)},\"unit_price\":\"{v.Next(1, 99)}.{v.Next(100):D2}\"}},")
                    .Text($"{{\"sku\":\"SKU-{v.Next(10000, 99999)}\",\"qty\":{v.Next(1, 9)},\"unit_price\":\"{v.Next(1, 99)}.{v.Next(100):D2}\"}}],")
                    .Text($"\"updated_at\":\"2024-05-14T{v.Next(0, 24):D2}:{v.Next(0, 60):D2}:{v.Next(0, 60):D2}Z\",\"etag\":\"{v.Hex32()}\"}}");
                break;
            case < 15:
                line.Text(" INFO  db.query request_id=").Keep("request_id", v.Uuid())
                    .Text($" duration_ms={v.Next(0, 80)}.{v.Next(10)} rows={v.Next(0, 500)} sql=\"{v.Pick(Statements)}\"");
                break;
            case < 18:
                line.Text(" INFO  worker.jobs job=invoice.render job_id=").Keep("request_id", v.Uuid())
                    .Text($" attempt={v.Next(1, 4)} queue=billing took_ms={v.Next(20, 3000)} invoice=INV-2024-{v.Next(1, 999999):D6} total=")
                    .Keep("price", $"{v.Next(1, 9)},{v.Next(100, 999)}.{v.Next(100):D2}").Text(" EUR");
                break;
            case 18:
                line.Text($" DEBUG cache.stats hit_ratio=0.{v.Next(900, 999)} keys={v.Next(1000, 90000)} evictions={v.Next(0, 50)} mem_mb={v.Next(100, 2048)}.{v.Next(10)} node=cache-{v.Next(1, 6)} uptime=3d{v.Next(0, 24)}h{v.Next(0, 60)}m");
                break;
            default:
                line.Text(" ERROR api.orders unhandled exception request_id=").Keep("request_id", v.Uuid())
                    .Text(" System.TimeoutException: The operation has timed out. at Npgsql.Internal.NpgsqlConnector.ReadMessage(Boolean async) in /src/Npgsql/Internal/NpgsqlConnector.cs:line 1411");
                break;
        }
    }

    private static void Sensitive(LineBuilder line, SampleValues v)
    {
        switch (v.Next(0, 16))
        {
            case 0:
            case 1:
                line.Text(" WARN  signup.validation duplicate account email=").Pii(EntityTypes.Email, v.Email()).Text(" request_id=").Keep("request_id", v.Uuid());
                break;
            case 2:
                line.Text(" INFO  notifications.mail sent to=").Pii(EntityTypes.Email, v.Email()).Text(" template=order_shipped order_id=").Keep("order_id", v.OrderId());
                break;
            case 3:
            case 4:
                line.Text(" ERROR payments.gateway declined card=").Pii(EntityTypes.Card, v.Card()).Text(" amount=").Keep("price", v.Price()).Text(" currency=USD reason=insufficient_funds");
                break;
            case 5:
                var phone = v.Phone(out var international);
                line.Text(international ? " INFO  sms.outbound sent to=" : " INFO  support.callback customer asked to call phone ")
                    .Pii(EntityTypes.Phone, phone).Text(" message_id=").Keep("request_id", v.Uuid());
                break;
            case 6:
                line.Text(" DEBUG kyc.verify applicant ssn=").Pii(EntityTypes.Ssn, v.Ssn()).Text(" result=match request_id=").Keep("request_id", v.Uuid());
                break;
            case 7:
                line.Text(" WARN  http.client retrying upstream call, headers: Authorization: Bearer ").Pii(EntityTypes.AuthHeader, v.BearerToken());
                break;
            case 8:
                line.Text(" DEBUG config.loaded aws_access_key_id=").Pii(EntityTypes.AwsKey, v.AwsAccessKey()).Text(" region=eu-west-1 bucket=acme-invoices");
                break;
            case 9:
                line.Text(" WARN  ci.deploy cloning with token ").Pii(EntityTypes.GithubToken, v.GithubToken()).Text(" repo=acme/shop ref=main");
                break;
            case 10:
                line.Text(" DEBUG payments.client initialised stripe key=").Pii(EntityTypes.StripeKey, v.StripeKey()).Text(" api_version=2024-04-10");
                break;
            case 11:
                line.Text(" INFO  alerts.slack posting with token=").Pii(EntityTypes.SlackToken, v.SlackToken()).Text(" channel=#ops-alerts");
                break;
            case 12:
                line.Text(" DEBUG maps.geocode request key=").Pii(EntityTypes.GoogleApiKey, v.GoogleApiKey()).Text(" address_id=").Keep("order_id", v.OrderId());
                break;
            case 13:
                line.Text(" DEBUG auth.session issued id_token=").Pii(EntityTypes.Jwt, v.Jwt()).Text(" user_id=").Keep("order_id", v.OrderId());
                break;
            case 14:
                line.Text(" INFO  db.pool connecting url=postgres://app_rw:").Pii(EntityTypes.UrlCredentials, v.Password()).Text("@db-primary.internal:5432/shop?sslmode=require");
                break;
            default:
                if (v.Next(0, 2) == 0)
                {
                    line.Text(" INFO  payouts.sepa beneficiary iban=").Pii(EntityTypes.Iban, v.Iban()).Text(" amount=").Keep("price", v.Price()).Text(" EUR");
                }
                else
                {
                    line.Text(" DEBUG kyc.profile updated dob=").Pii(EntityTypes.DateOfBirth, v.DateOfBirth()).Text(" country=DE");
                }

                break;
        }
    }
}
