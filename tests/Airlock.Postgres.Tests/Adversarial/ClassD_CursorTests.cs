using System.Buffers.Binary;
using System.Text;
using Airlock.Postgres.Tests.Robustness;
using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Class D (issue 14): cursors and undescribed binary results bypass masking. A FETCH is masked by its
/// cursor's query (remembered at DECLARE), max_rows counts across FETCHes, a FETCH or MOVE of a cursor the
/// gateway did not see declared is refused (AL0931), and a portal executed without a Describe is described
/// by the gateway itself, so binary values of masked columns never pass raw.
/// </summary>
public sealed class ClassD_CursorTests(ErrorLeakHarness gateway) : IClassFixture<ErrorLeakHarness>
{
    private const long Planted = AdversarialHarness.PlantedId;

    /// <summary>
    /// Computed columns: their RowDescription names no table, only the DECLARE's lineage says they are the
    /// ssn, card, email and phone; and each is transformed so that no detector recognises it.
    /// </summary>
    private static readonly string Computed = $"SELECT replace(ssn, '-', 'x') AS s, reverse(card_number) AS k, replace(email, '@', ' at ') AS e, replace(phone, '+', '00') AS p FROM customers WHERE id = {Planted}";

    /// <summary>The planted values as <see cref="Computed"/> transforms them (the harness's list has the raw forms).</summary>
    private static readonly string[] Transformed = ["078x05x1120", "9555555550050055", "quixote at planted-example", "00442071838750"];

    [Fact]
    public async Task Computed_columns_fetched_from_a_cursor_are_masked_by_the_cursors_query()
    {
        var output = await HarmlessPsqlAsync($"BEGIN; DECLARE c CURSOR FOR {Computed}; FETCH 3 FROM c; COMMIT");
        Assert.Contains("(1 row)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AL0931", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cursor_with_hold_declared_outside_a_transaction_is_masked_in_a_later_query()
    {
        var output = await HarmlessPsqlAsync($"DECLARE held CURSOR WITH HOLD FOR {Computed}", "FETCH ALL FROM held", "CLOSE held");
        Assert.Contains("(1 row)", output, StringComparison.Ordinal);
        Assert.Contains("CLOSE CURSOR", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scroll_cursor_read_backward_and_absolute_is_masked_every_time()
    {
        var output = await HarmlessPsqlAsync($"BEGIN; DECLARE s SCROLL CURSOR FOR {Computed}; FETCH ALL FROM s; FETCH BACKWARD 1 FROM s; FETCH ABSOLUTE 1 FROM s; MOVE LAST IN s; FETCH PRIOR FROM s; COMMIT");
        Assert.DoesNotContain("AL0931", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quoted_cursor_name_keeps_its_case_and_the_unquoted_spelling_is_another_cursor()
    {
        var output = await HarmlessPsqlAsync($"BEGIN; DECLARE \"MixedCase\" CURSOR FOR {Computed}; FETCH 1 FROM \"MixedCase\"; COMMIT");
        Assert.Contains("(1 row)", output, StringComparison.Ordinal);

        var folded = await HarmlessPsqlAsync($"BEGIN; DECLARE \"MixedCase\" CURSOR FOR {Computed}; FETCH 1 FROM MixedCase; COMMIT");
        Assert.Contains("AL0931", folded, StringComparison.Ordinal);
        Assert.Contains("\"mixedcase\"", folded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fetch_of_a_cursor_the_gateway_never_saw_is_refused()
    {
        var output = await HarmlessPsqlAsync("FETCH 1 FROM nowhere");
        Assert.Contains("AL0931", output, StringComparison.Ordinal);
        var move = await HarmlessPsqlAsync("MOVE 1 IN nowhere");
        Assert.Contains("AL0931", move, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cursor_opened_inside_a_function_is_refused_not_read()
    {
        await HarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var open = new NpgsqlCommand("SELECT open_cursor()", connection, transaction))
            {
                Assert.Equal("fn_cursor", await open.ExecuteScalarAsync());
            }

            await using var fetch = new NpgsqlCommand("FETCH ALL FROM fn_cursor", connection, transaction);
            var error = await Assert.ThrowsAsync<PostgresException>(() => fetch.ExecuteReaderAsync());
            Assert.Equal("34000", error.SqlState);
            Assert.StartsWith("AL0931", error.MessageText, StringComparison.Ordinal);
            return error.MessageText;
        });
    }

    [Fact]
    public async Task Closed_and_committed_cursors_are_forgotten_so_a_later_fetch_is_refused()
    {
        var closed = await HarmlessPsqlAsync($"BEGIN; DECLARE c CURSOR FOR {Computed}; CLOSE c; FETCH 1 FROM c; COMMIT");
        Assert.Contains("AL0931", closed, StringComparison.Ordinal);

        var closedAll = await HarmlessPsqlAsync($"BEGIN; DECLARE c CURSOR FOR {Computed}; CLOSE ALL; FETCH 1 FROM c; COMMIT");
        Assert.Contains("AL0931", closedAll, StringComparison.Ordinal);

        // Without HOLD a cursor ends with its transaction; the next query's FETCH is refused by the gateway.
        var ended = await HarmlessPsqlAsync($"BEGIN; DECLARE c CURSOR FOR {Computed}; COMMIT", "FETCH 1 FROM c");
        Assert.Contains("COMMIT", ended, StringComparison.Ordinal);
        Assert.Contains("AL0931", ended, StringComparison.Ordinal);

        // WITH HOLD in a transaction that rolled back is gone too.
        var rolledBack = await HarmlessPsqlAsync($"BEGIN; DECLARE h CURSOR WITH HOLD FOR {Computed}; ROLLBACK", "FETCH 1 FROM h");
        Assert.Contains("ROLLBACK", rolledBack, StringComparison.Ordinal);
        Assert.Contains("AL0931", rolledBack, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Max_rows_counts_across_the_fetches_of_one_cursor()
    {
        var output = await HarmlessPsqlAsync("BEGIN; DECLARE many CURSOR FOR SELECT id, email FROM customers ORDER BY id; FETCH 600 FROM many; FETCH 600 FROM many; FETCH 600 FROM many; COMMIT");
        Assert.Contains("(600 rows)", output, StringComparison.Ordinal);
        Assert.True(output.Contains("(400 rows)", StringComparison.Ordinal), output[..Math.Min(output.Length, 300)] + "…" + output[^Math.Min(output.Length, 3000)..]);
        Assert.Contains("(0 rows)", output, StringComparison.Ordinal);
        Assert.Contains("AL0904", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_extended_protocol_binary_fetch_without_describe_is_masked_and_the_gateways_own_describe_stays_hidden()
    {
        await HarmlessAsync(async () =>
        {
            await using var client = await RawPgClient.ConnectAsync(gateway.Port);
            await client.LoginAsync();
            await client.SendAsync(PgFrames.Query($"BEGIN; DECLARE bc CURSOR FOR SELECT ssn, card_number, email, phone, ssn || '' AS s, lower(email) AS e FROM customers WHERE id = {Planted}"));
            var declared = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(declared.Errors);

            await client.SendAsync(PgFrames.Concat(
                PgFrames.Parse(string.Empty, "FETCH ALL FROM bc"),
                PgFrames.Bind(string.Empty, string.Empty, [], 1),
                PgFrames.Execute(string.Empty),
                PgFrames.Sync()));
            var fetched = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(fetched.Errors);
            Assert.DoesNotContain(fetched.Messages, m => m.Type == 'T');
            Assert.Single(fetched.Messages, m => m.Type == 'D');
            return Everything(declared, fetched);
        });
    }

    [Fact]
    public async Task A_binary_execute_without_describe_of_a_plain_select_is_masked()
    {
        await HarmlessAsync(async () =>
        {
            await using var client = await RawPgClient.ConnectAsync(gateway.Port);
            await client.LoginAsync();
            await client.SendAsync(PgFrames.Concat(
                PgFrames.Parse("raw", $"SELECT ssn, card_number, email, phone, replace(ssn, '-', 'x') AS s, array[card_number] AS a FROM customers WHERE id = {Planted}"),
                PgFrames.Bind(string.Empty, "raw", [], 1),
                PgFrames.Execute(string.Empty),
                PgFrames.Sync()));
            var reply = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(reply.Errors);
            Assert.DoesNotContain(reply.Messages, m => m.Type == 'T');

            // Described by the gateway, the text columns are masked as text (not dropped to NULL for an unknown type);
            // the card array has no text form to mask, so it is NULL.
            var row = Assert.Single(Rows(reply));
            Assert.All(row[..5], value => Assert.False(string.IsNullOrEmpty(value)));
            Assert.Null(row[5]);
            return Everything(reply);
        });
    }

    [Fact]
    public async Task A_portal_read_in_pieces_with_an_execute_row_limit_stays_masked_in_binary()
    {
        await HarmlessAsync(async () =>
        {
            await using var client = await RawPgClient.ConnectAsync(gateway.Port);
            await client.LoginAsync();
            await client.SendAsync(PgFrames.Query("BEGIN"));
            await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            await client.SendAsync(PgFrames.Concat(
                PgFrames.Parse("pieces", "SELECT replace(ssn, '-', 'x') AS s, replace(email, '@', ' at ') AS e FROM customers ORDER BY id DESC"),
                PgFrames.Bind("piece", "pieces", [], 1),
                PgFrames.Execute("piece", 2),
                PgFrames.Execute("piece", 2),
                PgFrames.Sync()));
            var reply = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(reply.Errors);
            Assert.Equal(2, reply.Messages.Count(m => m.Type == 's'));
            var rows = Rows(reply);
            Assert.Equal(4, rows.Count);
            Assert.All(rows, row => Assert.All(row, value => Assert.False(string.IsNullOrEmpty(value))));
            return Everything(reply);
        });
    }

    [Fact]
    public async Task A_sql_fetch_from_a_protocol_portal_is_masked_by_the_portals_statement()
    {
        await HarmlessAsync(async () =>
        {
            await using var client = await RawPgClient.ConnectAsync(gateway.Port);
            await client.LoginAsync();
            await client.SendAsync(PgFrames.Query("BEGIN"));
            await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            await client.SendAsync(PgFrames.Concat(
                PgFrames.Parse("bound", Computed),
                PgFrames.Bind("boundportal", "bound", []),
                PgFrames.Sync()));
            var bound = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(bound.Errors);
            await client.SendAsync(PgFrames.Query("FETCH ALL FROM boundportal"));
            var fetched = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(fetched.Errors);
            Assert.Single(fetched.Messages, m => m.Type == 'D');
            return Everything(bound, fetched);
        });
    }

    [Fact]
    public async Task A_binary_cursor_in_a_simple_query_is_masked()
    {
        await HarmlessAsync(async () =>
        {
            await using var client = await RawPgClient.ConnectAsync(gateway.Port);
            await client.LoginAsync();
            await client.SendAsync(PgFrames.Query($"BEGIN; DECLARE bin BINARY CURSOR FOR {Computed}; FETCH ALL FROM bin; COMMIT"));
            var reply = await client.ReadUntilAsync('Z', TimeSpan.FromSeconds(15));
            Assert.Empty(reply.Errors);
            Assert.Single(reply.Messages, m => m.Type == 'D');
            return Everything(reply);
        });
    }

    [Fact]
    public async Task Npgsql_reading_a_cursor_in_a_transaction_gets_masked_values()
    {
        await HarmlessAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(gateway.ConnectionString());
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var declare = new NpgsqlCommand($"DECLARE nc CURSOR FOR {Computed}", connection, transaction))
            {
                await declare.ExecuteNonQueryAsync();
            }

            var values = new StringBuilder();
            await using var fetch = new NpgsqlCommand("FETCH ALL FROM nc", connection, transaction);
            await using var reader = await fetch.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    values.Append(await reader.IsDBNullAsync(i) ? "NULL" : reader.GetValue(i).ToString()).Append('|');
                }
            }

            Assert.NotEqual(0, values.Length);
            return values.ToString();
        });
    }

    /// <summary>Runs each text as its own Query in one psql session (psql -c … -c …), in order.</summary>
    private async Task<string> HarmlessPsqlAsync(params string[] queries)
    {
        var earlier = queries[..^1].SelectMany(q => new[] { "-c", q }).ToArray();
        return await HarmlessAsync(() => gateway.PsqlOutputAsync(queries[^1], extra: earlier));
    }

    /// <summary>The suite's three checks, and none of the transformed planted values in the output either.</summary>
    private async Task<string> HarmlessAsync(Func<Task<string>> attack)
    {
        var output = string.Empty;
        await gateway.AssertHarmlessAsync(async () => output = await attack());
        foreach (var value in Transformed)
        {
            Assert.False(output.Contains(value, StringComparison.OrdinalIgnoreCase), $"the client's output holds the transformed value '{value}':\n{output}");
        }

        return output;
    }

    /// <summary>The values of the DataRows in <paramref name="reply"/>, as UTF-8 text (null for SQL NULL).</summary>
    private static List<string?[]> Rows(BackendReply reply) =>
        [.. reply.Messages.Where(m => m.Type == 'D').Select(m =>
        {
            var values = new string?[BinaryPrimitives.ReadInt16BigEndian(m.Payload)];
            var position = 2;
            for (var i = 0; i < values.Length; i++)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(m.Payload.AsSpan(position));
                position += 4;
                values[i] = length < 0 ? null : Encoding.UTF8.GetString(m.Payload, position, length);
                position += Math.Max(length, 0);
            }

            return values;
        })];

    /// <summary>Every message's payload as text (binary values of text types are their UTF-8), for the planted-value check.</summary>
    private static string Everything(params BackendReply[] replies) =>
        string.Join("\n", replies.SelectMany(r => r.Messages).Select(m => m.Type + ":" + Encoding.UTF8.GetString(m.Payload)));
}
