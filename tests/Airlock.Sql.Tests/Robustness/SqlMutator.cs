using System.Text;

namespace Airlock.Sql.Tests.Robustness;

/// <summary>
/// Makes random and mutated SQL from seed statements, deterministically from a seed: byte flips,
/// truncations, duplications, token splices between statements, inserted quoting and comment
/// characters, and random printable and unicode strings.
/// </summary>
internal sealed class SqlMutator(IReadOnlyList<string> seeds, int seed)
{
    /// <summary>Pieces that change how PostgreSQL's scanner reads what follows.</summary>
    private static readonly string[] Tricky =
    [
        "'", "\"", "$$", "$a$", "E'", "U&'", "U&\"", "--", "/*", "*/", ";", "\\", "\0", "\r", "\n", "(", ")", "::",
        " UESCAPE '!'", "\\'", "''", "\"\"", "B'", "X'", "$1", "*", ".", ",", "\u00a0", "\u200b", "😀", "é",
        " WITH d AS (DELETE FROM t RETURNING *) ", " FOR UPDATE", " INTO x", " RETURNING *", " ANALYZE", "EXPLAIN ANALYZE ",
        "SELECT ", "DELETE FROM ", "UNION SELECT ", "nextval('s')", "pg_terminate_backend(1)", "READ WRITE",
    ];

    private readonly Random _random = new(seed);

    public string Next() => _random.Next(10) switch
    {
        0 => RandomPrintable(),
        1 => RandomUnicode(),
        2 => Truncate(Seed()),
        3 => FlipBytes(Seed()),
        4 => Duplicate(Seed()),
        5 or 6 => SpliceTokens(Seed(), Seed()),
        7 => InsertTricky(Seed()),
        8 => Mutate(Mutate(Seed())),
        _ => Mutate(Seed()),
    };

    private string Seed() => seeds[_random.Next(seeds.Count)];

    private string Mutate(string sql) => _random.Next(5) switch
    {
        0 => Truncate(sql),
        1 => FlipBytes(sql),
        2 => Duplicate(sql),
        3 => SpliceTokens(sql, Seed()),
        _ => InsertTricky(sql),
    };

    private string Truncate(string sql) => sql.Length == 0 ? sql : sql[.._random.Next(sql.Length)];

    /// <summary>Flips random bits of the UTF-8 bytes; invalid sequences decode to U+FFFD, as a client's would.</summary>
    private string FlipBytes(string sql)
    {
        var bytes = Encoding.UTF8.GetBytes(sql);
        if (bytes.Length == 0)
        {
            return sql;
        }

        for (var n = _random.Next(1, 4); n > 0; n--)
        {
            bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private string Duplicate(string sql)
    {
        if (sql.Length == 0)
        {
            return sql;
        }

        var start = _random.Next(sql.Length);
        var length = _random.Next(1, Math.Min(40, sql.Length - start) + 1);
        var at = _random.Next(sql.Length + 1);
        return sql.Insert(at, string.Concat(Enumerable.Repeat(sql.Substring(start, length), _random.Next(1, 4))));
    }

    /// <summary>Joins the start of one statement's tokens to the end of another's.</summary>
    private string SpliceTokens(string a, string b)
    {
        var left = a.Split(' ');
        var right = b.Split(' ');
        return string.Join(' ', left.Take(_random.Next(left.Length + 1)).Concat(right.Skip(_random.Next(right.Length + 1))));
    }

    private string InsertTricky(string sql)
    {
        for (var n = _random.Next(1, 3); n > 0; n--)
        {
            sql = sql.Insert(_random.Next(sql.Length + 1), Tricky[_random.Next(Tricky.Length)]);
        }

        return sql;
    }

    private string RandomPrintable()
    {
        var chars = new char[_random.Next(0, 80)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)_random.Next(0x20, 0x7F);
        }

        return new string(chars);
    }

    /// <summary>Any code points, surrogate halves and control characters included.</summary>
    private string RandomUnicode()
    {
        var chars = new char[_random.Next(0, 40)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = _random.Next(4) == 0 ? Tricky[_random.Next(Tricky.Length)][0] : (char)_random.Next(0, 0x10000);
        }

        return new string(chars);
    }
}
