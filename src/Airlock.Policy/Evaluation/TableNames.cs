namespace Airlock.Policy.Evaluation;

/// <summary>
/// Matches table names against policy patterns. Names have up to three parts, <c>database.schema.table</c>.
/// A pattern without a schema (<c>orders</c>) matches the table in any schema and database. A pattern
/// with one (<c>billing.*</c>) must meet an unqualified table name with care, since the search_path
/// decides which schema it means: deny and review rules assume it may be any schema, while allow rules
/// assume only <c>public</c>. Likewise a pattern naming a database matches an unqualified name only for
/// deny and review. Every choice fails closed, and naming the database cannot sidestep a schema rule.
/// </summary>
public static class TableNames
{
    public static bool Matches(string pattern, string table, bool strict)
    {
        Split(pattern, out var patternCatalog, out var patternSchema, out var patternName);
        Split(table, out var tableCatalog, out var tableSchema, out var tableName);
        if (!Glob.IsMatch(patternName, tableName))
        {
            return false;
        }

        if (!patternSchema.IsEmpty && !PartMatches(patternSchema, tableSchema, strict, "public"))
        {
            return false;
        }

        return patternCatalog.IsEmpty || PartMatches(patternCatalog, tableCatalog, strict, null);
    }

    /// <summary>A written part must match; a part the statement left out matches only when not strict (or is the default).</summary>
    private static bool PartMatches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> part, bool strict, string? implied)
    {
        if (!part.IsEmpty)
        {
            return Glob.IsMatch(pattern, part);
        }

        return !strict || (implied is not null && Glob.IsMatch(pattern, implied));
    }

    private static void Split(string name, out ReadOnlySpan<char> catalog, out ReadOnlySpan<char> schema, out ReadOnlySpan<char> table)
    {
        var span = name.AsSpan();
        var last = span.LastIndexOf('.');
        table = span[(last + 1)..];
        if (last < 0)
        {
            catalog = schema = ReadOnlySpan<char>.Empty;
            return;
        }

        var rest = span[..last];
        var middle = rest.LastIndexOf('.');
        schema = rest[(middle + 1)..];
        catalog = middle < 0 ? ReadOnlySpan<char>.Empty : rest[..middle];
    }
}
