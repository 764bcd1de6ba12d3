using Npgsql;

namespace Airlock.Postgres.Tests.Adversarial;

/// <summary>
/// Red-team variants of issue 14 that the issue did not list, several combining classes. Each leaked or
/// was already closed when written; either way it guards its class.
/// </summary>
public sealed class RedTeam_VariantsTests(ClassGHarness gateway) : IClassFixture<ClassGHarness>
{
    private const string Guesses = "(SELECT '078-05-' || lpad(g::text, 4, '0') AS ssn FROM generate_series(1100, 1130) g)";

    /// <summary>
    /// Class E: JOIN … USING and NATURAL JOIN compare same-named columns for equality without writing the
    /// comparison out, so a generated list of guesses joined this way is a bulk equality oracle.
    /// </summary>
    [Theory]
    [InlineData($"SELECT id FROM customers NATURAL JOIN {Guesses} v")]
    [InlineData($"SELECT id FROM customers JOIN {Guesses} v USING (ssn)")]
    [InlineData($"SELECT id FROM {Guesses} v JOIN customers USING (ssn)")]
    [InlineData($"SELECT id FROM customers c LEFT JOIN {Guesses} v USING (ssn) WHERE v.ssn IS NOT NULL")]
    [InlineData($"SELECT count(*) FROM customers NATURAL JOIN (SELECT g AS id, '078-05-' || g AS ssn FROM generate_series(1100, 1130) g) v")]
    [InlineData($"WITH v AS {Guesses} SELECT id FROM customers NATURAL JOIN v")]
    [InlineData($"SELECT id FROM (customers JOIN billing.invoices i ON i.customer_id = customers.id) NATURAL JOIN {Guesses} v")]
    public async Task A_join_by_column_name_against_generated_guesses_is_refused(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql, extra: ["-A", "-t"]);
            Assert.Contains("AL0940", output);
            Assert.DoesNotContain("9001", output);
            return output;
        });
    }

    [Fact]
    public async Task A_join_by_column_name_of_two_tables_still_works()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(
                $"SELECT count(*) FROM customers c JOIN (SELECT id FROM customers WHERE id = {AdversarialHarness.PlantedId}) v USING (id)", extra: ["-A", "-t"]);
            Assert.Equal("1", output.Trim());
            var natural = await gateway.PsqlOutputAsync(
                $"SELECT count(*) FROM customers NATURAL JOIN (SELECT id, ssn FROM customers WHERE id = {AdversarialHarness.PlantedId}) v", extra: ["-A", "-t"]);
            Assert.Equal("1", natural.Trim());
            return output + natural;
        });
    }

    /// <summary>Class E through the output: a window's ORDER BY sorts the rows by the masked column, which the row order shows.</summary>
    [Theory]
    [InlineData("SELECT id, rank() OVER (ORDER BY ssn) FROM customers")]
    [InlineData("SELECT id, row_number() OVER (ORDER BY reverse(card_number)) FROM customers")]
    [InlineData("SELECT id, count(*) OVER (ORDER BY ssn) FROM customers")]
    [InlineData("SELECT id, lag(id) OVER (PARTITION BY id ORDER BY email) FROM customers")]
    [InlineData("SELECT id FROM (SELECT id, row_number() OVER (ORDER BY ssn) AS r FROM customers) s")]
    public async Task A_window_ordered_by_a_masked_column_in_the_select_list_is_refused(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql, extra: ["-A", "-t"]);
            Assert.Contains("AL0940", output);
            Assert.DoesNotContain("9001", output);
            return output;
        });
    }

    /// <summary>
    /// Class E through the output: PARTITION BY and DISTINCT ON are whole comparisons, but PostgreSQL 15 always
    /// sorts for them (WindowAgg reads sorted input; create_distinct_paths in planner.c never hashes DISTINCT ON),
    /// so the rows come out in the masked column's order, as ORDER BY would give them.
    /// </summary>
    [Theory]
    [InlineData("SELECT id, row_number() OVER (PARTITION BY email) FROM customers")]
    [InlineData("SELECT id, count(*) OVER (PARTITION BY ssn ORDER BY id) FROM customers")]
    [InlineData("SELECT id, sum(id) OVER w FROM customers WINDOW w AS (PARTITION BY card_number)")]
    [InlineData("SELECT DISTINCT ON (email) id FROM customers")]
    [InlineData("SELECT DISTINCT ON (ssn, id) id FROM customers")]
    public async Task A_sort_for_partitions_or_distinct_on_a_masked_column_is_refused(string sql)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(sql, extra: ["-A", "-t"]);
            Assert.Contains("AL0940", output);
            Assert.DoesNotContain("9001", output);
            return output;
        });
    }

    [Fact]
    public async Task Grouping_and_partitions_by_columns_that_are_not_masked_still_work()
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var output = await gateway.PsqlOutputAsync(
                $"SELECT DISTINCT ON (id) id, row_number() OVER (PARTITION BY id ORDER BY id) FROM customers WHERE id = {AdversarialHarness.PlantedId}", extra: ["-A", "-t"]);
            Assert.DoesNotContain("AL0940", output);
            Assert.Contains($"{AdversarialHarness.PlantedId}|1", output);
            return output;
        });
    }

    /// <summary>
    /// Class G: the one-byte type <c>"char"</c> (OID 18; charsend in char.c sends exactly one byte) cannot hold a
    /// mask. A masked column cast to it was sent as "[SSN]" in its binary form, which no client can decode; it
    /// is shown as NULL with AL0903, as for other types a mask does not fit, in text and in binary.
    /// </summary>
    [Theory]
    [InlineData("ssn::\"char\"")]
    [InlineData("email::\"char\"")]
    [InlineData("card_number::\"char\"")]
    public async Task A_masked_column_cast_to_the_one_byte_char_type_is_nulled(string expression)
    {
        await gateway.AssertHarmlessAsync(async () =>
        {
            var sql = $"SELECT {expression} AS v FROM customers WHERE id = {AdversarialHarness.PlantedId}";
            var psql = await gateway.PsqlOutputAsync(sql, extra: ["-A", "-t"]);
            var npgsql = await gateway.BinaryValuesAsync(sql);
            Assert.Contains("AL0903", psql);
            Assert.Equal("NULL", npgsql.Trim());
            return psql + npgsql;
        });
    }
}
