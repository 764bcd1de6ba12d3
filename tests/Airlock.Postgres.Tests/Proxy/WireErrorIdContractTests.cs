using System.Text.RegularExpressions;
using Airlock.Postgres.Tests.Support;

namespace Airlock.Postgres.Tests.Proxy;

/// <summary>
/// Wire error ids are a published contract: one id, one meaning, listed in docs/gateway.md. Every id the
/// PostgreSQL adapter writes into a message is in the table exactly once, and no id opens two different
/// messages (the first two words after the id are the same wherever it is used).
/// </summary>
public sealed partial class WireErrorIdContractTests
{
    [Fact]
    public void Every_id_the_adapter_sends_is_in_the_wire_error_table_once()
    {
        var table = TableIds();
        Assert.Equal(table.Count, table.Distinct(StringComparer.Ordinal).Count());

        var missing = CodeUses().Select(u => u.Id).Distinct(StringComparer.Ordinal).Where(id => !table.Contains(id, StringComparer.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "ids sent on the wire but not in docs/gateway.md's wire error table: " + string.Join(", ", missing));
    }

    [Fact]
    public void No_id_opens_two_different_messages()
    {
        var clashes = CodeUses()
            .GroupBy(u => u.Id, StringComparer.Ordinal)
            .Where(g => g.Where(u => u.Stem is not null).Select(u => u.Stem).Distinct(StringComparer.Ordinal).Count() > 1)
            .Select(g => g.Key + ": " + string.Join(" | ", g.Select(u => $"{u.Where} \"{u.Stem}\"")))
            .ToList();
        Assert.True(clashes.Count == 0, "ids with two meanings:\n" + string.Join("\n", clashes));
    }

    [Fact]
    public void The_scan_finds_the_ids_it_should()
    {
        // The two checks above would pass on an empty scan: make sure the scan reads the sources.
        var ids = CodeUses().Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("AL0901", ids);
        Assert.Contains("AL0930", ids);
        Assert.Contains("AL0951", ids);
        Assert.True(TableIds().Count > 30);
    }

    /// <summary>Each id in a message literal ("AL0951: …", with the message's first two words), or alone as a constant ("AL0930", no words).</summary>
    private static List<(string Id, string? Stem, string Where)> CodeUses()
    {
        var root = Path.Combine(GatewayHarness.RepositoryRoot(), "src", "Airlock.Postgres");
        var uses = new List<(string, string?, string)>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in IdInLiteral().Matches(lines[i]))
                {
                    var words = m.Groups["rest"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2);
                    uses.Add((m.Groups["id"].Value, string.Join(' ', words), $"{Path.GetFileName(file)}:{i + 1}"));
                }

                foreach (Match m in IdConstant().Matches(lines[i]))
                {
                    uses.Add((m.Groups["id"].Value, null, $"{Path.GetFileName(file)}:{i + 1}"));
                }
            }
        }

        return uses;
    }

    private static List<string> TableIds()
    {
        var doc = File.ReadAllLines(Path.Combine(GatewayHarness.RepositoryRoot(), "docs", "gateway.md"));
        var start = Array.FindIndex(doc, l => l.StartsWith("| Id | SQLSTATE | When |", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/gateway.md has no wire error table");
        return [.. doc.Skip(start + 2).TakeWhile(l => l.StartsWith("| AL", StringComparison.Ordinal)).Select(l => l.Split('|')[1].Trim())];
    }

    [GeneratedRegex("\\$?\"(?<id>AL[0-9]{4}): (?<rest>[^\"{]*)")]
    private static partial Regex IdInLiteral();

    [GeneratedRegex("\"(?<id>AL[0-9]{4})\"")]
    private static partial Regex IdConstant();
}
