namespace Airlock.Benchmarks.Masking;

/// <summary>
/// A result set as the proxy relays it: rows of text values in eight columns. <c>email</c> and
/// <c>card_number</c> are sensitive by name and masked whole; the others pass the detectors, and about
/// one note or comment in twenty carries an email or phone number someone typed into it.
/// </summary>
internal static class TableCorpus
{
    public const int Seed = 4242;

    public static readonly string[] Columns = ["id", "status", "amount", "created_at", "note", "email", "card_number", "comment"];

    private static readonly string[] Statuses = ["pending", "paid", "shipped", "delivered", "refunded", "cancelled"];

    private static readonly string[] Notes =
    [
        "leave at the back door", "gift wrap please", "customer called about delivery window", "partial refund approved by support",
        "address verified", "", "express shipping upgrade", "second attempt, first parcel lost",
    ];

    private static readonly string[] Comments =
    [
        "ok", "fraud check passed", "VIP customer, handle with care", "duplicate of an earlier order", "waiting for stock",
        "price matched competitor offer", "requested invoice copy", "",
    ];

    /// <summary>The rows, and how many free-text values were given a planted email or phone number.</summary>
    public static (string?[][] Rows, int PlantedInText) Rows(int count = 10_000)
    {
        var v = new SampleValues(new Random(Seed));
        var rows = new string?[count][];
        var planted = 0;
        var created = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < count; i++)
        {
            created = created.AddSeconds(v.Next(1, 600));
            var note = v.Pick(Notes);
            string? comment = v.Pick(Comments);
            if (v.Next(0, 10) == 0)
            {
                comment = null; // a NULL now and then, as result sets have
            }
            else if (v.Next(0, 20) == 0)
            {
                note = $"customer asked to use {v.Email()} for receipts";
                planted++;
            }

            if (v.Next(0, 20) == 0)
            {
                comment = $"call back on {v.Phone(out _)} re delivery";
                planted++;
            }

            rows[i] =
            [
                (1_000_000 + i).ToString(),
                v.Pick(Statuses),
                v.Price(),
                created.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00"),
                note,
                v.Email(),
                v.Card(),
                comment,
            ];
        }

        return (rows, planted);
    }
}
