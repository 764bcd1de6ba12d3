using System.Globalization;
using System.Text.Json;

namespace Airlock.Benchmarks.Masking;

/// <summary>
/// An API response of about 250 KB: a page of orders, each with a customer (email, phone under
/// sensitive keys), line items, prices, timestamps, and a free-text note that now and then carries an
/// email. Values under sensitive keys are masked whole; the notes pass the detectors.
/// </summary>
internal static class JsonCorpus
{
    public const int Seed = 99;

    private static readonly string[] Statuses = ["paid", "shipped", "delivered", "refunded"];

    /// <summary>The UTF-8 document, how many values sit under sensitive keys, and how many emails are planted in notes.</summary>
    public static (byte[] Json, int SensitiveKeys, int PlantedInNotes) Document(int orders = 600)
    {
        var v = new SampleValues(new Random(Seed));
        var buffer = new MemoryStream();
        var sensitive = 0;
        var planted = 0;
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("page", 1);
            json.WriteNumber("page_size", orders);
            json.WriteStartArray("orders");
            for (var i = 0; i < orders; i++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", 1_000_000 + i);
                json.WriteString("status", v.Pick(Statuses));
                json.WriteString("created_at", $"2024-05-{v.Next(1, 29):D2}T{v.Next(0, 24):D2}:{v.Next(0, 60):D2}:{v.Next(0, 60):D2}Z");
                json.WriteNumber("total", decimal.Parse(v.Price(), CultureInfo.InvariantCulture));
                json.WriteString("currency", "EUR");
                json.WriteStartObject("customer");
                json.WriteNumber("id", v.Next(10_000, 99_999));
                json.WriteString("email", v.Email());
                json.WriteString("phone", v.Phone(out _));
                sensitive += 2;
                json.WriteString("tier", i % 7 == 0 ? "gold" : "standard");
                json.WriteEndObject();
                json.WriteStartArray("items");
                for (var item = v.Next(1, 4); item > 0; item--)
                {
                    json.WriteStartObject();
                    json.WriteString("sku", $"SKU-{v.Next(10000, 99999)}");
                    json.WriteNumber("qty", v.Next(1, 9));
                    json.WriteNumber("unit_price", decimal.Parse(v.Price(), CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                var note = "deliver between 9 and 5, ring twice";
                if (v.Next(0, 10) == 0)
                {
                    note = $"forward tracking to {v.Email()} as well";
                    planted++;
                }

                json.WriteString("note", note);
                json.WriteString("request_id", v.Uuid());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return (buffer.ToArray(), sensitive, planted);
    }
}
