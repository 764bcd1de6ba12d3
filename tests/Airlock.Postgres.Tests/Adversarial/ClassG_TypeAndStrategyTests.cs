using System.Collections;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Class G (docs/security.md): the detectors read the text inside every type that can carry it (arrays,
/// records, bytea, tsvector, json, jsonb, xml), in text format (psql) and binary format (Npgsql); and a value
/// derived from a masked column is masked whole, never partially or as a token of a piece.
/// </summary>
public sealed partial class ClassG_TypeAndStrategyTests(ClassGHarness gateway) : IClassFixture<ClassGHarness>
{
    private const string Note = "billing.invoices WHERE id = 2";

    [Theory]
    [InlineData("reverse(card_number)")]
    [InlineData("left(card_number, 12)")]
    [InlineData("right(card_number, 8)")]
    [InlineData("substring(card_number from 3 for 10)")]
    [InlineData("card_number || ''")]
    [InlineData("replace(card_number, '5', 'x')")]
    public async Task A_value_derived_from_a_partially_masked_card_is_redacted_whole(string expression)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var psql = await gateway.PsqlOutputAsync($"SELECT {expression} AS v FROM customers WHERE id = {AdversarialHarness.PlantedId}", extra: ["-A", "-t"]);
            var npgsql = await gateway.BinaryValuesAsync($"SELECT {expression} AS v FROM customers WHERE id = {AdversarialHarness.PlantedId}");
            Assert.Equal("[CARD]", psql.Trim());
            Assert.Equal("[CARD]", npgsql.Trim());
            return psql + npgsql;
        });
    }

    [Fact]
    public async Task The_card_itself_keeps_its_partial_mask()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var psql = await gateway.PsqlOutputAsync($"SELECT card_number FROM customers WHERE id = {AdversarialHarness.PlantedId}", extra: ["-A", "-t"]);
            Assert.EndsWith("5559", psql.Trim());
            Assert.DoesNotContain("[CARD]", psql);
            return psql;
        });
    }

    [Theory]
    [InlineData("left(email, 3)")]
    [InlineData("split_part(email, '@', 1)")]
    [InlineData("lower(email)")]
    public async Task A_piece_of_a_tokenized_email_is_redacted_not_tokenized(string expression)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var psql = await gateway.PsqlOutputAsync($"SELECT {expression} FROM customers WHERE id = {AdversarialHarness.PlantedId}", extra: ["-A", "-t"]);
            var npgsql = await gateway.BinaryValuesAsync($"SELECT {expression} FROM customers WHERE id = {AdversarialHarness.PlantedId}");
            Assert.Equal("[EMAIL]", psql.Trim());
            Assert.Equal("[EMAIL]", npgsql.Trim());
            return psql + npgsql;
        });
    }

    [Theory]
    [InlineData("array_agg(note)")]
    [InlineData("array[note, 'x']")]
    [InlineData("string_to_array(note, ' ')")]
    [InlineData("row(note, 1)")]
    [InlineData("array_agg(row(id, note))")]
    [InlineData("convert_to(note, 'UTF8')")]
    [InlineData("array[convert_to(note, 'UTF8')]")]
    [InlineData("row(convert_to(note, 'UTF8'))")]
    [InlineData("to_tsvector('simple', note)")]
    [InlineData("to_json(note)")]
    [InlineData("to_jsonb(note)")]
    [InlineData("jsonb_agg(note)")]
    [InlineData("json_build_object('n', note)")]
    [InlineData("xmlelement(name x, note)")]
    [InlineData("array[to_jsonb(note)]")]
    [InlineData("array[xmlelement(name x, note)]")]
    public async Task Text_inside_other_types_passes_the_detectors_in_text_and_binary_format(string expression)
    {
        var sql = $"SELECT {expression} AS v FROM {Note}";

        await gateway.AssertHarmlessAsync(async () =>
        {
            var psql = await gateway.PsqlOutputAsync(sql, extra: ["-A", "-t"]);
            var npgsql = await gateway.BinaryValuesAsync(sql);
            Assert.DoesNotContain("ERROR", psql);
            return psql + "\n" + DecodedHex(psql) + "\n" + npgsql;
        });
    }

    [Fact]
    public async Task Bytea_in_escape_output_passes_the_detectors_too()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var psql = await gateway.PsqlOutputAsync($"SET bytea_output = escape; SELECT convert_to(note, 'UTF8') FROM {Note}", extra: ["-A", "-t"]);
            Assert.Contains("refund to", psql);
            return psql;
        });
    }

    [Fact]
    public async Task A_binary_value_of_a_type_the_gateway_cannot_read_is_nulled_with_a_notice()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            var notices = new List<string>();
            connection.Notice += (_, e) => notices.Add(e.Notice.MessageText);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT plainto_tsquery('simple', note) FROM {Note}", connection);
            var value = await command.ExecuteScalarAsync();
            Assert.True(value is null or DBNull, $"got {value}");
            Assert.Contains(notices, n => n.Contains("AL0903", StringComparison.Ordinal));
            var psql = await gateway.PsqlOutputAsync($"SELECT plainto_tsquery('simple', note) FROM {Note}", extra: ["-A", "-t"]);
            return string.Join("\n", notices) + psql;
        });
    }

    [Fact]
    public async Task The_planted_note_is_what_the_cases_above_hide()
    {
        // The fixture's sanity: read directly, the note holds the planted email and card; through the gateway it is masked.
        await using var connection = gateway.DirectConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT array_agg(note)::text FROM {Note}", connection);
        var raw = (string)(await command.ExecuteScalarAsync())!;
        Assert.ThrowsAny<Exception>(() => AdversarialHarness.AssertNoPlantedValue(raw));

        var through = await gateway.PsqlOutputAsync($"SELECT note FROM {Note}", extra: ["-A", "-t"]);
        AdversarialHarness.AssertNoPlantedValue(through);
        Assert.Contains("5559", through);
    }

    /// <summary>The text inside bytea hex (\x…) in psql's output, as an attacker would decode it.</summary>
    private static string DecodedHex(string output)
    {
        var decoded = new StringBuilder();
        foreach (Match match in HexRun().Matches(output))
        {
            decoded.AppendLine(Encoding.UTF8.GetString(Convert.FromHexString(match.Groups[1].Value)));
        }

        return decoded.ToString();
    }

    [GeneratedRegex(@"\\+x((?:[0-9a-fA-F]{2})+)")]
    private static partial Regex HexRun();
}

/// <summary>The adversarial gateway with one more invoice whose note (no column rule) holds the planted email and card.</summary>
public sealed class ClassGHarness : AdversarialHarness
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Cluster.RunPsqlAsync("demo", $"INSERT INTO billing.invoices VALUES (2, {PlantedId}, 100, 'refund to {PlantedEmail} on card {PlantedCard} please');");
    }

    /// <summary>Every value of every row, read by Npgsql in binary format, flattened to text (arrays, records and bytea decoded).</summary>
    public async Task<string> BinaryValuesAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var text = new StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                Flatten(await reader.IsDBNullAsync(i) ? null : reader.GetValue(i), text);
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    private static void Flatten(object? value, StringBuilder text)
    {
        switch (value)
        {
            case null or DBNull:
                text.Append("NULL");
                break;
            case byte[] bytes:
                text.Append(Encoding.UTF8.GetString(bytes));
                break;
            case string s:
                text.Append(s);
                break;
            case IEnumerable items:
                foreach (var item in items)
                {
                    Flatten(item, text);
                    text.Append(' ');
                }

                break;
            default:
                text.Append(value);
                break;
        }
    }
}
