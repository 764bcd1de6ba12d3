namespace Airlock.Sql.Analysis;

/// <summary>The CTE names visible at a point of a statement; immutable, so each branch keeps its own.</summary>
internal sealed class CteScope
{
    private readonly CteScope? _parent;
    private readonly string[] _names;

    private CteScope(CteScope? parent, string[] names)
    {
        _parent = parent;
        _names = names;
    }

    public static CteScope Empty { get; } = new(null, []);

    public CteScope With(IEnumerable<string> names)
    {
        var added = names.ToArray();
        return added.Length == 0 ? this : new CteScope(this, added);
    }

    public bool Contains(string name)
    {
        for (var scope = this; scope is not null; scope = scope._parent)
        {
            if (Array.IndexOf(scope._names, name) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
