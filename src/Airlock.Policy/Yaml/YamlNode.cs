using Airlock.Policy.Diagnostics;

namespace Airlock.Policy.Yaml;

/// <summary>
/// A YAML node with the place it came from. Policy files are read into this small tree rather than
/// YamlDotNet's representation model so that depth, aliases and duplicate keys are caught with their
/// location before any binding happens.
/// </summary>
internal abstract class YamlNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    public abstract string Describe { get; }
}

internal sealed class YamlScalar(SourceLocation location, string value, bool isPlain) : YamlNode(location)
{
    public string Value { get; } = value;

    /// <summary>True when unquoted; only plain scalars can mean null or a boolean (YAML 1.2 core schema).</summary>
    public bool IsPlain { get; } = isPlain;

    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Describe => IsNull ? "null" : "a scalar";
}

internal sealed class YamlMapping(SourceLocation location, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries) : YamlNode(location)
{
    public IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries { get; } = entries;

    public YamlNode? this[string key] => Entries.FirstOrDefault(e => string.Equals(e.Key.Value, key, StringComparison.Ordinal)).Value;

    public override string Describe => "a mapping";
}

internal sealed class YamlSequence(SourceLocation location, IReadOnlyList<YamlNode> items) : YamlNode(location)
{
    public IReadOnlyList<YamlNode> Items { get; } = items;

    public override string Describe => "a list";
}
