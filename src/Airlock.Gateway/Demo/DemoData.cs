using System.Globalization;
using System.Text;

namespace Airlock.Gateway.Demo;

/// <summary>One row of the demo's <c>customers</c> table.</summary>
public sealed record DemoCustomer(long Id, string FullName, string Email, string Phone, string CardNumber, string Ssn, DateTimeOffset CreatedAt);

/// <summary>One row of the demo's <c>orders</c> table.</summary>
public sealed record DemoOrder(long Id, long CustomerId, long AmountCents, string Status, DateTimeOffset CreatedAt);

/// <summary>
/// The demo's sample data: customers full of PII for masking to find, and their orders. The same seed gives
/// the same rows on every machine (<see cref="Random"/> with a seed is a fixed algorithm), so a walkthrough
/// can name a row. Every value is valid in form and fictional: card numbers pass Luhn in real issuer ranges,
/// SSNs are in ranges the SSA issues, phone numbers are NANP (E.164 or national form), and emails use the
/// reserved example domains.
/// </summary>
public static class DemoData
{
    public const int DefaultSeed = 20240601;

    public const int DefaultCustomers = 10_000;

    public const int DefaultOrders = 50_000;

    /// <summary>The earliest customer's sign-up; every time in the data falls within two years after it.</summary>
    public static DateTimeOffset Epoch { get; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Span = TimeSpan.FromDays(730);

#pragma warning disable CA5394 // Sample data wants a reproducible generator, not an unpredictable one.
    public static IReadOnlyList<DemoCustomer> Customers(int count = DefaultCustomers, int seed = DefaultSeed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new Random(seed);
        var customers = new List<DemoCustomer>(count);
        for (var id = 1L; id <= count; id++)
        {
            var first = Pick(random, DemoNames.First);
            var last = Pick(random, DemoNames.Last);
            var middle = random.Next(5) == 0 ? $" {(char)('A' + random.Next(26))}." : string.Empty;
            customers.Add(new DemoCustomer(
                id,
                $"{first}{middle} {last}",
                Email(random, first, last),
                Phone(random),
                CardNumber(random),
                Ssn(random),
                Epoch + TimeSpan.FromSeconds(random.NextInt64((long)Span.TotalSeconds))));
        }

        return customers;
    }

    /// <summary>Orders of the given customers, each placed after its customer signed up.</summary>
    public static IReadOnlyList<DemoOrder> Orders(IReadOnlyList<DemoCustomer> customers, int count = DefaultOrders, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > 0 && customers.Count == 0)
        {
            throw new ArgumentException("orders need customers", nameof(customers));
        }

        var random = new Random(unchecked(seed * 31 + 7));
        var end = Epoch + Span + TimeSpan.FromDays(30);
        var orders = new List<DemoOrder>(count);
        for (var id = 1L; id <= count; id++)
        {
            var customer = customers[random.Next(customers.Count)];
            var window = (long)(end - customer.CreatedAt).TotalSeconds;

            // Most baskets are small and a few are large: roughly log-uniform from $3 to $1,500.
            var amount = (long)Math.Round(Math.Exp(Math.Log(299) + (random.NextDouble() * (Math.Log(150_000) - Math.Log(299)))));
            orders.Add(new DemoOrder(id, customer.Id, amount, Status(random), customer.CreatedAt + TimeSpan.FromSeconds(random.NextInt64(Math.Max(1, window)))));
        }

        return orders;
    }

    /// <summary>Whether a string of digits (separators ignored) passes the Luhn check (ISO/IEC 7812-1).</summary>
    public static bool IsLuhnValid(string number)
    {
        ArgumentNullException.ThrowIfNull(number);
        var digits = number.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length < 12)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>A card number of one of several brands, in a real issuer range, with a valid Luhn check digit.</summary>
    internal static string CardNumber(Random random)
    {
        var (prefix, length) = random.Next(100) switch
        {
            < 45 => ("4", 16),                                                          // Visa
            < 65 => ((51 + random.Next(5)).ToString(CultureInfo.InvariantCulture), 16), // Mastercard 51-55
            < 75 => ((2221 + random.Next(500)).ToString(CultureInfo.InvariantCulture), 16), // Mastercard 2-series
            < 90 => (random.Next(2) == 0 ? "34" : "37", 15),                            // American Express
            _ => (random.Next(2) == 0 ? "6011" : "65", 16),                             // Discover
        };
        var digits = new StringBuilder(prefix, length);
        while (digits.Length < length - 1)
        {
            digits.Append((char)('0' + random.Next(10)));
        }

        digits.Append(LuhnCheckDigit(digits.ToString()));
        return digits.ToString();
    }

    /// <summary>AAA-GG-SSSS in issued ranges: area 001-899 but not 666, group 01-99, serial 0001-9999 (SSA POMS RM 10201.060).</summary>
    internal static string Ssn(Random random)
    {
        int area;
        do
        {
            area = 1 + random.Next(899);
        }
        while (area == 666);

        return $"{area:000}-{1 + random.Next(99):00}-{1 + random.Next(9999):0000}";
    }

    /// <summary>A NANP number (area code and exchange start with 2-9, no N11 exchange), as E.164 or in the national forms.</summary>
    internal static string Phone(Random random)
    {
        var area = Pick(random, DemoNames.AreaCodes);
        int exchange;
        do
        {
            exchange = 200 + random.Next(800);
        }
        while (exchange % 100 == 11);

        var line = random.Next(10_000);
        return random.Next(4) switch
        {
            0 or 1 => $"+1{area}{exchange}{line:0000}",
            2 => $"({area}) {exchange}-{line:0000}",
            _ => $"{area}-{exchange}-{line:0000}",
        };
    }

    private static string Email(Random random, string first, string last)
    {
        var f = Ascii(first);
        var l = Ascii(last);
        var local = random.Next(4) switch
        {
            0 => $"{f}.{l}",
            1 => $"{f[0]}{l}",
            2 => $"{f}_{l}{random.Next(100)}",
            _ => $"{f}{l[0]}{1950 + random.Next(56)}",
        };
        return $"{local}@{Pick(random, DemoNames.EmailDomains)}";
    }

    private static string Status(Random random)
    {
        var roll = random.Next(100);
        for (var i = 0; i < DemoNames.OrderStatuses.Length; i++)
        {
            roll -= DemoNames.OrderStatusWeights[i];
            if (roll < 0)
            {
                return DemoNames.OrderStatuses[i];
            }
        }

        return DemoNames.OrderStatuses[0];
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
#pragma warning restore CA5394

    private static char LuhnCheckDigit(string payload)
    {
        var sum = 0;
        for (var i = 0; i < payload.Length; i++)
        {
            // The check digit will be rightmost, so the payload's last digit is the first one doubled.
            var d = payload[payload.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d = d * 2 > 9 ? (d * 2) - 9 : d * 2;
            }

            sum += d;
        }

        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    private static string Ascii(string name) => new([.. name.ToLowerInvariant().Where(char.IsAsciiLetter)]);
}
