using System.Collections.Frozen;
using System.Text;
using Airlock.Masking.Detection;
using Airlock.Masking.Strategies;

namespace Airlock.Masking;

/// <summary>
/// The masking engine: finds sensitive values with validating detectors and replaces each by its entity
/// type's strategy. Thread-safe; keep one per profile.
/// </summary>
/// <remarks>
/// <code>
///  text ──TextScanner (prefilter → detectors → overlaps resolved)──► findings
///       ──StrategyWriter (redact | partial | token | format | hash | null)──► masked text + counts
/// </code>
/// Three ways in: whole text (<see cref="Mask(string, MaskingCounts?)"/>), a stream in chunks
/// (<see cref="CreateStream"/>), values of a table column (<see cref="ForColumn"/>), and JSON
/// (<see cref="JsonMasker"/>).
/// </remarks>
public sealed class MaskingEngine
{
    [ThreadStatic]
    private static List<Finding>? t_findings;

    [ThreadStatic]
    private static StringBuilder? t_builder;

    private readonly TextScanner _scanner;

    /// <summary>The profile's strategy for every known entity type, resolved once.</summary>
    private readonly FrozenDictionary<string, MaskingStrategy> _strategies;

    public MaskingEngine(MaskingProfile profile)
        : this(profile, DetectorCatalog.All)
    {
    }

    internal MaskingEngine(MaskingProfile profile, IEnumerable<Detector> detectors)
    {
        Profile = profile;
        _scanner = new TextScanner(detectors);
        _strategies = EntityTypes.Defaults.Keys.Concat(profile.Strategies.Keys).Distinct(StringComparer.Ordinal)
            .ToFrozenDictionary(e => e, profile.StrategyFor, StringComparer.Ordinal);
    }

    public MaskingProfile Profile { get; }

    /// <summary>The names of the detectors in use.</summary>
    public IReadOnlyList<string> DetectorNames => [.. _scanner.Detectors.Select(d => d.Name)];

    /// <summary>The longest value any detector matches; streams keep this much text between chunks.</summary>
    internal int MaxMatchLength => _scanner.MaxLength;

    /// <summary>Masks a whole text. Returns the same string when nothing is found.</summary>
    public string Mask(string text, MaskingCounts? counts = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var findings = Rent();
        _scanner.Scan(text, findings);
        if (findings.Count == 0)
        {
            return text;
        }

        // One builder per thread, kept unless it grew huge: the masked string is the only allocation left.
        var output = t_builder ?? new StringBuilder(text.Length + 16);
        t_builder = null;
        output.Clear();
        Apply(text, findings, 0, findings.Count, output, counts);
        findings.Clear();
        var masked = output.ToString();
        if (output.Capacity <= 4 * 1024 * 1024)
        {
            t_builder = output;
        }

        return masked;
    }

    /// <summary>
    /// Masks <paramref name="text"/> into <paramref name="output"/>, appending. The hot-path form: with a
    /// builder the caller reuses, masking allocates nothing per call but the masked values themselves.
    /// Returns the number of values masked.
    /// </summary>
    public int Mask(ReadOnlySpan<char> text, StringBuilder output, MaskingCounts? counts = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var findings = Rent();
        _scanner.Scan(text, findings);
        var found = findings.Count;
        if (found == 0)
        {
            output.Append(text);
            return 0;
        }

        Apply(text, findings, 0, found, output, counts);
        findings.Clear();
        return found;
    }

    /// <summary>Finds sensitive values without masking them: for reports and tests.</summary>
    public IReadOnlyList<Finding> Find(string text)
    {
        var findings = new List<Finding>();
        _scanner.Scan(text, findings);
        return findings;
    }

    /// <summary>A stream that masks text written to it in chunks of any size, in bounded memory.</summary>
    public StreamingMasker CreateStream(TextWriter output, Action<StreamFinding>? onFinding = null, MaskingCounts? counts = null) =>
        new(this, output, onFinding, counts);

    /// <summary>
    /// A masker for the values of one result column. A sensitive column (by policy rule or by name) is
    /// masked whole; any other column's values still pass the detectors.
    /// </summary>
    public ColumnMasker ForColumn(string? columnName, MaskingStrategy? ruleStrategy = null, string? ruleEntityType = null)
    {
        var entity = ruleEntityType ?? (columnName is null ? null : Columns.SensitiveColumnNames.Classify(columnName[(columnName.LastIndexOf('.') + 1)..]));
        var strategy = ruleStrategy ?? (entity is null ? null : StrategyFor(entity));
        return new ColumnMasker(this, strategy is null ? null : entity ?? EntityTypes.Secret, strategy);
    }

    internal void Scan(ReadOnlySpan<char> text, List<Finding> findings) => _scanner.Scan(text, findings);

    /// <summary>The strategy for an entity type under this engine's profile, resolved once at construction.</summary>
    internal MaskingStrategy StrategyFor(string entityType) =>
        _strategies.TryGetValue(entityType, out var known) ? known : Profile.StrategyFor(entityType);

    /// <summary>
    /// Masks a whole value as one entity (a sensitive column, a value under a sensitive JSON key) and counts
    /// it. Null for <see cref="MaskingStrategy.Null"/>.
    /// </summary>
    internal string? MaskWhole(string entityType, MaskingStrategy strategy, ReadOnlySpan<char> value, MaskingCounts? counts)
    {
        counts?.Add(entityType);
        var output = new StringBuilder(value.Length + 8);
        return StrategyWriter.Write(strategy, entityType, value, Profile.Key, output) ? output.ToString() : null;
    }

    /// <summary>Writes <paramref name="text"/> with findings [first, last) replaced; counts each.</summary>
    internal void Apply(ReadOnlySpan<char> text, List<Finding> findings, int first, int last, StringBuilder output, MaskingCounts? counts)
    {
        var position = 0;
        for (var i = first; i < last; i++)
        {
            var finding = findings[i];
            output.Append(text[position..finding.Start]);
            StrategyWriter.Write(StrategyFor(finding.EntityType), finding.EntityType, text.Slice(finding.Start, finding.Length), Profile.Key, output);
            counts?.Add(finding);
            position = finding.End;
        }

        output.Append(text[position..]);
    }

    internal static List<Finding> Rent()
    {
        var list = t_findings ??= [];
        list.Clear();
        return list;
    }
}
