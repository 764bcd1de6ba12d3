namespace Airlock.Policy.Diagnostics;

/// <summary>Collects every problem instead of stopping at the first, so one run of check shows them all.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<PolicyDiagnostic> _items = [];
    private readonly HashSet<(string Id, SourceLocation Location)> _seen = [];

    public int Count => _items.Count;

    public IReadOnlyList<PolicyDiagnostic> Items => _items;

    public void Add(string id, SourceLocation location, string message)
    {
        // Two checks may find the same fault (a pasted secret is both a literal and a credential shape); say it once.
        if (_seen.Add((id, location)))
        {
            // Messages quote what they found; a credential pasted in the wrong place must not be quoted back.
            _items.Add(new PolicyDiagnostic(id, location, Loading.SecretScanner.Redact(message)));
        }
    }

    public IReadOnlyList<PolicyDiagnostic> ToSortedList() =>
        [.. _items
            .OrderBy(d => d.Location.File, StringComparer.Ordinal)
            .ThenBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ThenBy(d => d.Id, StringComparer.Ordinal)];
}
