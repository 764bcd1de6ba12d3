using Airlock.Policy.Evaluation;
using Airlock.Policy.Model;
using Airlock.Sql;

namespace Airlock.Policy.Tests.Support;

/// <summary>
/// Stands in for the PostgreSQL parser: classifies the few statement shapes the tests write, by their
/// first word and the word after FROM/INTO/UPDATE, and records what it was asked.
/// </summary>
internal sealed class FakeSqlClassifier
{
    public List<string> Seen { get; } = [];

    public ClassifiedSql Classify(string sql)
    {
        Seen.Add(sql);
        var words = sql.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kind = words[0].ToUpperInvariant() switch
        {
            "SELECT" => StatementKind.Read,
            "INSERT" or "UPDATE" or "DELETE" => StatementKind.Write,
            "CREATE" or "DROP" or "ALTER" => StatementKind.Ddl,
            _ => StatementKind.Unknown,
        };
        var at = Array.FindIndex(words, w => w.ToUpperInvariant() is "FROM" or "INTO" or "UPDATE");
        string[] tables = at >= 0 && at + 1 < words.Length ? [words[at + 1].TrimEnd(';')] : [];
        return new ClassifiedSql(kind, tables, kind == StatementKind.Unknown ? "not understood" : null);
    }
}
