namespace Airlock.Policy.Evaluation;

/// <summary>
/// Matches table names against policy patterns. A pattern without a schema (<c>orders</c>) matches the
/// table in any schema. A pattern with one (<c>billing.*</c>) must meet an unqualified table name
/// with care, since the search_path decides which schema it means: deny and review rules assume it may
/// be any schema, while allow rules assume only <c>public</c>. Both choices fail closed.
/// </summary>
public static class TableNames
{
    public static bool Matches(string pattern, string table, bool strict)
    {
        var patternDot = pattern.LastIndexOf('.');
        var tableDot = table.LastIndexOf('.');
        if (!Glob.IsMatch(pattern.AsSpan(patternDot + 1), table.AsSpan(tableDot + 1)))
        {
            return false;
        }

        if (patternDot < 0)
        {
            return true;
        }

        var patternSchema = pattern.AsSpan(0, patternDot);
        if (tableDot >= 0)
        {
            return Glob.IsMatch(patternSchema, table.AsSpan(0, tableDot));
        }

        return !strict || Glob.IsMatch(patternSchema, "public");
    }
}
