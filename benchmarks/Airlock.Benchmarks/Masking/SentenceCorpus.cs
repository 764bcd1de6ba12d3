using Airlock.Masking;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// Sentences as people write them in support tickets, notes and comments, each with one email, card,
/// phone number, SSN or IP address, plus order numbers and dates that should survive. The phrasing
/// varies on purpose: some phone numbers and SSNs come without a keyword such as "phone" or "SSN" just
/// before, which is where a detector that needs context misses and a bare pattern does not.
/// </summary>
internal static class SentenceCorpus
{
    public const int Seed = 7812;

    private delegate void Template(LineBuilder line, SampleValues values, string value);

    private static readonly (string Type, Func<SampleValues, string> Value, Template[] Templates)[] Kinds =
    [
        (EntityTypes.Email, v => v.Email(),
        [
            (l, v, x) => l.Text("Hi, please send the invoice for order ").Keep("order_id", v.OrderId()).Text(" to ").Pii(EntityTypes.Email, x).Text(" instead."),
            (l, v, x) => l.Text("Customer ").Text(v.Name()).Text(" <").Pii(EntityTypes.Email, x).Text("> asked for a refund on ").Keep("timestamp", "14 May 2024").Text("."),
            (l, _, x) => l.Text("You can reach me at ").Pii(EntityTypes.Email, x).Text(", thanks!"),
            (l, v, x) => l.Text("Changed contact email from old address to ").Pii(EntityTypes.Email, x).Text(" (ticket #").Keep("order_id", v.OrderId()).Text(")"),
        ]),
        (EntityTypes.Card, v => v.Card(),
        [
            (l, v, x) => l.Text("Please charge my card ").Pii(EntityTypes.Card, x).Text(" for the remaining ").Keep("price", v.Price()).Text(" EUR."),
            (l, _, x) => l.Text("card number: ").Pii(EntityTypes.Card, x).Text(", exp 04/27"),
            (l, v, x) => l.Text("The payment with ").Pii(EntityTypes.Card, x).Text(" failed twice on order ").Keep("order_id", v.OrderId()).Text("."),
            (l, _, x) => l.Text("Use ").Pii(EntityTypes.Card, x).Text(" next time, the old one expired."),
        ]),
        (EntityTypes.Phone, v => v.Phone(out _),
        [
            (l, _, x) => l.Text("Please call me back on ").Pii(EntityTypes.Phone, x).Text(" after 5pm."),
            (l, v, x) => l.Text("phone: ").Pii(EntityTypes.Phone, x).Text(", order ").Keep("order_id", v.OrderId()),
            (l, _, x) => l.Text("My number is ").Pii(EntityTypes.Phone, x).Text(" if the courier gets lost."),
            (l, v, x) => l.Text("Reached the customer at ").Pii(EntityTypes.Phone, x).Text(" on ").Keep("timestamp", "2024-05-14").Text(", issue resolved."),
        ]),
        (EntityTypes.Ssn, v => v.Ssn(),
        [
            (l, _, x) => l.Text("SSN ").Pii(EntityTypes.Ssn, x).Text(" was provided for the background check."),
            (l, v, x) => l.Text("Applicant social security number: ").Pii(EntityTypes.Ssn, x).Text(", application ").Keep("order_id", v.OrderId()),
            (l, _, x) => l.Text("Tax form lists ").Pii(EntityTypes.Ssn, x).Text(" as the employee identifier."),
            (l, _, x) => l.Text("Verified identity with ").Pii(EntityTypes.Ssn, x).Text(" and a utility bill."),
        ]),
        (EntityTypes.IpAddress, v => v.Next(0, 5) == 0 ? v.Ipv6() : v.Ipv4(),
        [
            (l, v, x) => l.Text("Login from ").Pii(EntityTypes.IpAddress, x).Text(" failed 5 times at ").Keep("timestamp", "09:14:22").Text("."),
            (l, _, x) => l.Text("Please whitelist ").Pii(EntityTypes.IpAddress, x).Text(" for the office VPN."),
            (l, v, x) => l.Text("The webhook came from ").Pii(EntityTypes.IpAddress, x).Text(", request ").Keep("request_id", v.Uuid()).Text("."),
            (l, _, x) => l.Text("Blocked ").Pii(EntityTypes.IpAddress, x).Text(" after the credential stuffing attempt."),
        ]),
    ];

    /// <summary><paramref name="perType"/> sentences for each of the five types, interleaved.</summary>
    public static IReadOnlyList<LabelledText> Sentences(int perType = 200)
    {
        var values = new SampleValues(new Random(Seed));
        var line = new LineBuilder();
        var sentences = new List<LabelledText>();
        for (var i = 0; i < perType; i++)
        {
            foreach (var (_, value, templates) in Kinds)
            {
                values.Pick(templates)(line, values, value(values));
                sentences.Add(line.Build());
            }
        }

        return sentences;
    }
}
