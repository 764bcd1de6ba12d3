using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Analysis;

/// <summary>
/// Secrets in SQL never appear in any output, normalized or not: passwords, connection strings, COPY
/// PROGRAM commands, OPTIONS, comments, and the input that parser errors quote.
/// </summary>
public sealed class SecretTests
{
    private const string Secret = "Hunter2Swordfish";

    /// <summary>Statements that parse, each holding the secret where a user would put one.</summary>
    public static TheoryData<string> Parsed() => Data(ParsedTemplates);

    /// <summary>Statements that do not parse, where the parser's message would quote the secret.</summary>
    public static TheoryData<string> Failing() => Data(FailingTemplates);

    private static readonly string[] ParsedTemplates =
    [
        "CREATE ROLE app LOGIN PASSWORD '{0}'",
        "CREATE USER app WITH ENCRYPTED PASSWORD '{0}' VALID UNTIL 'infinity'",
        "ALTER ROLE app PASSWORD '{0}'",
        "ALTER USER app WITH PASSWORD E'{0}\\'s'",
        "ALTER ROLE app PASSWORD $${0}$$",
        "ALTER ROLE app PASSWORD $pw${0}$pw$",
        "ALTER ROLE app PASSWORD U&'{0}\\0021'",
        "SELECT dblink_connect('conn', 'host=db.internal user=app password={0}')",
        "SELECT * FROM dblink('dbname=shop password={0}', 'SELECT 1') AS t(a int)",
        "SELECT public.dblink_exec($$host=db password={0}$$, 'DELETE FROM orders')",
        "CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', password '{0}')",
        "CREATE USER MAPPING FOR app SERVER remote OPTIONS (user 'app', password '{0}')",
        "ALTER USER MAPPING FOR app SERVER remote OPTIONS (SET password '{0}')",
        "ALTER SERVER remote OPTIONS (ADD password '{0}')",
        "CREATE SUBSCRIPTION sub CONNECTION 'host=db password={0}' PUBLICATION pub",
        "ALTER SUBSCRIPTION sub CONNECTION 'host=db password={0}'",
        "COPY orders TO PROGRAM 'curl -u app:{0} https://backup.example.com'",
        "COPY orders FROM PROGRAM $$wget --password={0} -O - https://x$$",
        "COPY orders TO '/tmp/{0}.csv'",
        "SELECT 1 -- {0}",
        "SELECT 1 /* {0} */",
        "SELECT 1 /* outer /* {0} */ still outer */",
        "SELECT 1; -- {0}\rSELECT 2",
        "/* {0} */ SELECT 1",
        "SET my.password = '{0}'",
        "ALTER SYSTEM SET my.password = '{0}'",
        "SELECT set_config('my.password', '{0}', false)",
        "COMMENT ON ROLE app IS 'password is {0}'",
        "PREPARE p AS SELECT '{0}'",
        "DO $$ BEGIN PERFORM '{0}'; END $$",
        "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '{0}' $$",
        "SELECT '{0}' AS password, E'{0}', $${0}$$, U&'{0}', B'1010', X'{0}'".Replace("X'{0}'", "X'ff'", StringComparison.Ordinal),
        "INSERT INTO users (name, password) VALUES ('app', '{0}') RETURNING id",
        "UPDATE users SET password = '{0}' WHERE id = 1",
        "SELECT * FROM users WHERE password = crypt('{0}', password)",
        // Lexing corners that a hand-written lexer gets wrong, which would print part of a literal as code:
        // E'…' right after an identifier, $ inside an identifier, a string continued on the next line.
        "CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (type'a\\', password '{0}')",
        "COMMENT ON TABLE x$a$ IS 'note $a$ {0}'",
        "CREATE SERVER s FOREIGN DATA WRAPPER w OPTIONS (host E'a'\n'b\\'{0}', port '5432')",
        "COMMENT ON ROLE app IS 'a'\n  \n'{0}'",
        "SELECT 1; COMMENT ON ROLE app IS '{0}'; SELECT 2",
    ];

    private static readonly string[] FailingTemplates =
    [
        "ALTER ROLE app PASSWORD '{0}",
        "ALTER ROLE app PASSWORD {0}",
        "CREATE ROLE app PASSWORD '{0}' GARBAGE",
        "CREATE ROLE app PASSWORD '{0}' '{0}'",
        "SELECT dblink_connect('password={0}'",
        "SELECT dblink_connect('password={0}') FROM",
        "SELECT \"{0}",
        "SELECT 1 FROM \"a\"\"{0}",
        "SELECT U&\"{0}\\",
        "SELECT E'{0}\\'",
        "SELECT $${0}",
        "SELECT $q${0}$$",
        "/* {0}",
        "SELECT {0} {0} {0}",
        "COMMENT ON ROLE app IS 'a'\n-- a comment between\n'{0}'",
        "SELECT 1 FROM a.b.c.{0}",
        "SELECT 1 FROM a.b.c.\"{0}\"",
        "SELECT 1 {0} {0}",
        "SELECT U&'{0}\\zzzz'",
        "SELECT 1 -- {0}\nFROM",
        "COPY orders TO PROGRAM 'curl -u app:{0}' WITH (FORMAT",
        "CREATE USER MAPPING FOR app SERVER s OPTIONS (password '{0}'",
        "SELECT 1; CREATE ROLE app PASSWORD '{0}' x",
        "SELECT 1 FROM t WHERE a = 1{0}",
        "SELECT 0x{0}",
        "SELECT 1\0 '{0}'",
    ];

    [Theory]
    [MemberData(nameof(Parsed))]
    public void A_secret_in_a_statement_appears_in_no_output(string sql)
    {
        var analysis = Engine.Analyze(sql);
        Assert.True(analysis.Error is null, $"{sql}: {analysis.Error?.Message}");
        AssertNoSecret(sql, analysis);
    }

    [Theory]
    [MemberData(nameof(Failing))]
    public void A_secret_in_a_statement_that_fails_to_parse_appears_in_no_output(string sql)
    {
        var analysis = Engine.Analyze(sql);
        Assert.NotNull(analysis.Error);
        AssertNoSecret(sql, analysis);
    }

    [Fact]
    public void Every_truncation_of_a_statement_with_a_secret_keeps_the_secret_out()
    {
        // Cutting a statement anywhere yields the parser's whole range of errors near the secret.
        foreach (var template in ParsedTemplates.Select(t => t.Replace("{0}", Secret, StringComparison.Ordinal)))
        {
            var end = template.LastIndexOf(Secret, StringComparison.Ordinal) + Secret.Length;
            for (var cut = end; cut <= template.Length; cut++)
            {
                var sql = template[..cut];
                AssertNoSecret(sql, Engine.Analyze(sql));
            }
        }
    }

    [Fact]
    public void Errors_still_say_what_went_wrong_and_where()
    {
        var analysis = Engine.Analyze($"ALTER ROLE app PASSWORD '{Secret}");
        Assert.Equal("unterminated quoted string at or near \"…\"", analysis.Error!.Message);
        Assert.Equal(25, analysis.Error.CursorPosition);

        // Punctuation is not secret and helps the reader.
        Assert.Equal("syntax error at or near \")\"", Engine.Analyze("SELECT (1))").Error!.Message);
        Assert.Equal("improper qualified name (too many dotted names): …", Engine.Analyze($"SELECT 1 FROM a.b.c.{Secret}").Error!.Message);
    }

    [Fact]
    public void Normalized_text_replaces_every_literal_and_drops_comments()
    {
        var statement = Engine.Single($"CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'db', password '{Secret}') -- {Secret}");
        Assert.Equal("CREATE SERVER remote FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '?', password '?')", statement.Normalized);

        Assert.Equal("COPY orders TO PROGRAM '?'", Engine.Single($"COPY orders TO PROGRAM 'curl -u app:{Secret} x'").Normalized);
        Assert.Equal("ALTER ROLE app PASSWORD $1", Engine.Single($"ALTER ROLE app PASSWORD '{Secret}'").Normalized);
    }

    private static TheoryData<string> Data(string[] templates)
    {
        var data = new TheoryData<string>();
        foreach (var template in templates)
        {
            data.Add(template.Replace("{0}", Secret, StringComparison.Ordinal));
        }

        return data;
    }

    private static void AssertNoSecret(string sql, Airlock.Sql.Analysis.SqlAnalysis analysis)
    {
        var output = AnalysisOutput.Text(analysis);
        Assert.False(output.Contains(Secret, StringComparison.OrdinalIgnoreCase), $"the secret leaked from {sql}:\n{output}");
    }
}
