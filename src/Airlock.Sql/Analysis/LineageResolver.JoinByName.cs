using System.Text.Json;

namespace Airlock.Sql.Analysis;

// Class E (docs/security.md): joins that compare columns by name, without writing the comparison out.
internal sealed partial class LineageResolver
{
    /// <summary>
    /// JOIN … USING (c) and NATURAL JOIN compare each named column of one side with the same-named column of
    /// the other for equality (transformJoinUsingClause in PostgreSQL's parse_clause.c), exactly as
    /// <c>ON l.c = r.c</c> would; so they are held to the same rule: if either side is computed, the other's
    /// columns are tested against generated guesses.
    /// </summary>
    private void JoinByName(JsonElement join, List<Relation> left, List<Relation> right)
    {
        var natural = join.TryGetProperty("isNatural", out var n) && n.GetBoolean();
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (join.TryGetProperty("usingClause", out var usingClause))
        {
            foreach (var item in usingClause.EnumerateArray())
            {
                if (StringValue(item) is { } name)
                {
                    names.Add(name);
                }
            }
        }

        if (natural)
        {
            // Without the catalog a base table's columns are unknown: every name a derived side shows may be common.
            foreach (var column in left.Concat(right).SelectMany(StarOf))
            {
                if (column.Name != "*")
                {
                    names.Add(column.Name);
                }
            }
        }

        foreach (var name in names)
        {
            if (SideColumn(name, left) is { } l && SideColumn(name, right) is { } r && !(l.Direct && r.Direct))
            {
                Record(l.Sources.Concat(r.Sources), "compared with a computed value");
            }
        }
    }

    /// <summary>The column of that name on one side of a join; null when no relation there has it.</summary>
    private static Reference? SideColumn(string name, List<Relation> side)
    {
        var sources = new List<string>();
        var direct = true;
        var matched = false;
        foreach (var relation in side)
        {
            if (ColumnOf(relation, name, narrowStars: true) is { } column)
            {
                matched = true;
                direct &= column.Direct;
                sources.AddRange(column.Sources);
            }
        }

        return matched ? new Reference(sources, direct, false) : null;
    }
}
