using Airlock.Sql.Analysis;
using Airlock.Sql.Tests.Support;

namespace Airlock.Sql.Tests.Corpus;

/// <summary>Every statement of Corpus/statements.yaml gets the kind, tables, functions and flags it lists.</summary>
public sealed class CorpusTests
{
    public static TheoryData<string> Statements()
    {
        var data = new TheoryData<string>();
        foreach (var entry in StatementCorpus.Entries)
        {
            data.Add(entry.Sql);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public void Statement_is_understood_as_the_corpus_says(string sql)
    {
        var entry = StatementCorpus.BySql[sql];
        var analysis = Engine.Analyze(sql);
        var why = entry.Note is null ? sql : $"{sql} ({entry.Note})";

        Assert.True(entry.Kind == analysis.Kind.Name(), $"{why}: expected {entry.Kind}, got {analysis.Kind.Name()} {analysis.Error?.Message}");
        AssertSet(entry.TablesRead, analysis.Statements.SelectMany(s => s.TablesRead), "tables_read", why);
        AssertSet(entry.TablesWritten, analysis.Statements.SelectMany(s => s.TablesWritten), "tables_written", why);
        AssertSet(entry.Functions, analysis.Statements.SelectMany(s => s.Functions), "functions", why);
        AssertSet(entry.Flags, analysis.Statements.SelectMany(s => s.Flags.ToNames()), "flags", why);
    }

    [Fact]
    public void Corpus_is_large_and_has_no_repeats()
    {
        Assert.True(StatementCorpus.Entries.Count >= 150, $"only {StatementCorpus.Entries.Count} statements");
        var repeats = StatementCorpus.Entries.GroupBy(e => e.Sql, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(repeats);
    }

    [Fact]
    public void Corpus_covers_every_kind_and_every_flag()
    {
        var kinds = StatementCorpus.Entries.Select(e => e.Kind).ToHashSet(StringComparer.Ordinal);
        Assert.All(StatementKinds.All, kind => Assert.Contains(kind.Name(), kinds));

        var flags = StatementCorpus.Entries.SelectMany(e => e.Flags ?? []).ToHashSet(StringComparer.Ordinal);
        Assert.All(Enum.GetValues<SqlFlags>().Where(f => f != SqlFlags.None), flag => Assert.Contains(Assert.Single(flag.ToNames()), flags));
    }

    [Fact]
    public void Corpus_kinds_are_spelled_as_in_policy_files()
    {
        Assert.All(StatementCorpus.Entries, e => Assert.True(StatementKinds.TryParse(e.Kind, out _), $"{e.Sql}: bad kind {e.Kind}"));
    }

    private static void AssertSet(IList<string>? expected, IEnumerable<string> actual, string field, string why)
    {
        if (expected is null)
        {
            return;
        }

        var got = actual.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var want = expected.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        Assert.True(want.SequenceEqual(got, StringComparer.Ordinal), $"{why}: {field} expected [{string.Join(", ", want)}], got [{string.Join(", ", got)}]");
    }
}
