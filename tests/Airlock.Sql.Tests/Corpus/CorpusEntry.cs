using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Airlock.Sql.Tests.Corpus;

/// <summary>One entry of Corpus/statements.yaml: a SQL string and what the engine must say about it.</summary>
public sealed class CorpusEntry
{
    public string Sql { get; set; } = "";

    public string Kind { get; set; } = "";

    public IList<string>? TablesRead { get; set; }

    public IList<string>? TablesWritten { get; set; }

    public IList<string>? Functions { get; set; }

    public IList<string>? Flags { get; set; }

    public string? Note { get; set; }

    public override string ToString() => Sql;
}

/// <summary>The corpus, loaded once from the copy next to the test assembly.</summary>
internal static class StatementCorpus
{
    private static readonly Lazy<IReadOnlyList<CorpusEntry>> Loaded = new(Load);

    public static IReadOnlyList<CorpusEntry> Entries => Loaded.Value;

    public static IReadOnlyDictionary<string, CorpusEntry> BySql { get; } = new Lazy<Dictionary<string, CorpusEntry>>(
        () => Entries.GroupBy(e => e.Sql, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)).Value;

    private static List<CorpusEntry> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Corpus", "statements.yaml");
        var deserializer = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        using var reader = File.OpenText(path);
        return deserializer.Deserialize<List<CorpusEntry>>(reader);
    }
}
