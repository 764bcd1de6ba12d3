using System.Text.RegularExpressions;
using Airlock.Gateway.Demo;
using Airlock.Masking;

namespace Airlock.Gateway.Tests.Demo;

public sealed partial class DemoDataTests
{
    private static readonly IReadOnlyList<DemoCustomer> Customers = DemoData.Customers();
    private static readonly IReadOnlyList<DemoOrder> Orders = DemoData.Orders(Customers);

    [Fact]
    public void The_same_seed_gives_the_same_rows_and_another_seed_other_rows()
    {
        Assert.Equal(Customers.Take(100), DemoData.Customers(100));
        Assert.Equal(Orders.Take(50), DemoData.Orders(Customers, 50));
        Assert.NotEqual(Customers.Take(100), DemoData.Customers(100, seed: 7));
    }

    [Fact]
    public void There_are_ten_thousand_customers_and_fifty_thousand_orders_by_default()
    {
        Assert.Equal(10_000, Customers.Count);
        Assert.Equal(50_000, Orders.Count);
        Assert.Equal(Enumerable.Range(1, 10_000).Select(i => (long)i), Customers.Select(c => c.Id));
        Assert.Equal(Enumerable.Range(1, 50_000).Select(i => (long)i), Orders.Select(o => o.Id));
    }

    [Fact]
    public void Every_card_number_passes_Luhn_in_a_real_issuer_range_across_several_brands()
    {
        Assert.All(Customers, c => Assert.True(DemoData.IsLuhnValid(c.CardNumber), c.CardNumber));
        var brands = Customers.GroupBy(c => Brand(c.CardNumber)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        Assert.DoesNotContain("unknown", brands.Keys);
        Assert.Equal(["amex", "discover", "mastercard", "visa"], brands.Keys.Order(StringComparer.Ordinal));
        Assert.All(brands.Values, count => Assert.True(count > 500));

        static string Brand(string n) => n switch
        {
            ['4', ..] when n.Length == 16 => "visa",
            ['5', >= '1' and <= '5', ..] when n.Length == 16 => "mastercard",
            ['2', ..] when n.Length == 16 && int.Parse(n[..4], System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720 => "mastercard",
            ['3', '4' or '7', ..] when n.Length == 15 => "amex",
            ['6', '0', '1', '1', ..] or ['6', '5', ..] when n.Length == 16 => "discover",
            _ => "unknown",
        };
    }

    [Fact]
    public void Luhn_rejects_a_changed_digit() => Assert.False(DemoData.IsLuhnValid("4111111111111112"));

    [Fact]
    public void Every_ssn_is_in_an_issued_range()
    {
        Assert.All(Customers, c =>
        {
            var match = SsnShape().Match(c.Ssn);
            Assert.True(match.Success, c.Ssn);
            var area = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(area is > 0 and < 900 and not 666, c.Ssn);
            Assert.NotEqual("00", match.Groups[2].Value);
            Assert.NotEqual("0000", match.Groups[3].Value);
        });
    }

    [Fact]
    public void Every_phone_is_a_NANP_number_in_E164_or_national_form()
    {
        Assert.All(Customers, c => Assert.Matches(PhoneShape(), c.Phone));
        Assert.Contains(Customers, c => c.Phone.StartsWith("+1", StringComparison.Ordinal));
        Assert.Contains(Customers, c => c.Phone.StartsWith('('));
    }

    [Fact]
    public void Emails_use_the_reserved_example_domains()
    {
        Assert.All(Customers, c => Assert.Matches(@"^[a-z0-9._]+@(mail\.|inbox\.)?example\.(com|net|org)$", c.Email));
    }

    [Fact]
    public void The_masking_engine_finds_every_kind_of_PII_the_demo_holds()
    {
        var engine = new MaskingEngine(MaskingProfile.Default());
        foreach (var c in Customers.Take(500))
        {
            Assert.Equal([EntityTypes.Card], engine.Find(c.CardNumber).Select(f => f.EntityType));
            Assert.Equal([EntityTypes.Ssn], engine.Find(c.Ssn).Select(f => f.EntityType));
            Assert.Equal([EntityTypes.Phone], engine.Find(c.Phone).Select(f => f.EntityType));
            Assert.Equal([EntityTypes.Email], engine.Find(c.Email).Select(f => f.EntityType));
        }
    }

    [Fact]
    public void Orders_belong_to_customers_and_come_after_they_signed_up()
    {
        var byId = Customers.ToDictionary(c => c.Id);
        Assert.All(Orders, o =>
        {
            Assert.True(o.CreatedAt >= byId[o.CustomerId].CreatedAt);
            Assert.InRange(o.AmountCents, 299, 150_000);
            Assert.Contains(o.Status, (string[])["delivered", "shipped", "paid", "pending", "refunded", "cancelled"]);
        });
        Assert.True(Orders.Select(o => o.CustomerId).Distinct().Count() > 9_000);
        Assert.All(Customers, c => Assert.Equal(TimeSpan.Zero, c.CreatedAt.Offset));
    }

    [GeneratedRegex(@"^(\d{3})-(\d{2})-(\d{4})$")]
    private static partial Regex SsnShape();

    [GeneratedRegex(@"^(\+1[2-9]\d{2}[2-9]\d{6}|\([2-9]\d{2}\) [2-9]\d{2}-\d{4}|[2-9]\d{2}-[2-9]\d{2}-\d{4})$")]
    private static partial Regex PhoneShape();
}
