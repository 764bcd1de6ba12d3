using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>Anything that turns a read-only transaction or session read-write is never a read.</summary>
public sealed class ReadOnlyEscalationTests
{
    [Theory]
    [InlineData("BEGIN READ WRITE")]
    [InlineData("BEGIN TRANSACTION READ WRITE")]
    [InlineData("BEGIN WORK ISOLATION LEVEL READ COMMITTED, READ WRITE")]
    [InlineData("START TRANSACTION READ WRITE, DEFERRABLE")]
    [InlineData("SET TRANSACTION READ WRITE")]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")]
    [InlineData("SET transaction_read_only = off")]
    [InlineData("SET transaction_read_only = false")]
    [InlineData("SET transaction_read_only = 'no'")]
    [InlineData("SET transaction_read_only = 0")]
    [InlineData("SET transaction_read_only TO DEFAULT")]
    [InlineData("SET LOCAL transaction_read_only TO off")]
    [InlineData("SET SESSION default_transaction_read_only TO off")]
    [InlineData("SET default_transaction_read_only = DEFAULT")]
    [InlineData("SET \"TRANSACTION_READ_ONLY\" TO off")]
    [InlineData("SET \"Default_Transaction_Read_Only\" TO off")]
    [InlineData("RESET transaction_read_only")]
    [InlineData("RESET default_transaction_read_only")]
    [InlineData("RESET \"DEFAULT_TRANSACTION_READ_ONLY\"")]
    [InlineData("RESET ALL")]
    [InlineData("DISCARD ALL")]
    public void Statements_that_make_a_session_read_write_are_writes(string sql)
    {
        Assert.Equal(StatementKind.Write, Engine.KindOf(sql));
        Assert.Contains("read_write_escalation", Engine.FlagsOf(sql), StringComparer.Ordinal);
    }

    [Theory]
    [InlineData("SET transaction_read_only = 'tr'")]
    [InlineData("SET transaction_read_only = 1.0")]
    [InlineData("SET transaction_read_only = on, off")]
    public void Values_that_are_not_plainly_true_fail_closed(string sql) =>
        Assert.Equal(StatementKind.Write, Engine.KindOf(sql));

    [Theory]
    [InlineData("SELECT set_config('transaction_read_only', 'off', false)")]
    [InlineData("SELECT set_config('default_transaction_read_only', 'off', true)")]
    [InlineData("SELECT pg_catalog.set_config('transaction_read_only', 'off', false)")]
    [InlineData("SELECT * FROM set_config('transaction_read_only', 'off', false)")]
    public void set_config_is_admin_whatever_it_sets(string sql) =>
        Assert.Equal(StatementKind.Admin, Engine.KindOf(sql));

    [Theory]
    [InlineData("BEGIN", StatementKind.Transaction)]
    [InlineData("BEGIN READ ONLY", StatementKind.Transaction)]
    [InlineData("SET TRANSACTION READ ONLY", StatementKind.Transaction)]
    [InlineData("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", StatementKind.Transaction)]
    [InlineData("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", StatementKind.Session)]
    [InlineData("SET transaction_read_only = on", StatementKind.Session)]
    [InlineData("SET default_transaction_read_only TO true", StatementKind.Session)]
    [InlineData("DISCARD PLANS", StatementKind.Session)]
    [InlineData("RESET work_mem", StatementKind.Session)]
    public void Staying_read_only_is_not_an_escalation(string sql, StatementKind kind)
    {
        Assert.Equal(kind, Engine.KindOf(sql));
        Assert.DoesNotContain("read_write_escalation", Engine.FlagsOf(sql), StringComparer.Ordinal);
    }

    [Fact]
    public void An_escalation_hidden_among_reads_makes_the_string_a_write()
    {
        var analysis = Engine.Analyze("SELECT 1; SET TRANSACTION READ WRITE; SELECT 2");
        Assert.Equal(StatementKind.Write, analysis.Kind);
        Assert.Equal(["read_write_escalation"], analysis.Statements[1].Flags.ToNames());
    }
}
