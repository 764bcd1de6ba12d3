using System.Globalization;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Model;
using Airlock.Policy.Yaml;

namespace Airlock.Policy.Loading;

/// <summary>
/// Typed reads from YAML nodes. Each read reports a located diagnostic and returns null on a bad
/// value, so binding goes on and one pass finds every problem.
/// </summary>
internal sealed class NodeBinder(DiagnosticBag diagnostics)
{
    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public void Report(string id, SourceLocation location, string message) => Diagnostics.Add(id, location, message);

    public YamlMapping? Mapping(YamlNode node, string what)
    {
        if (node is YamlMapping mapping)
        {
            return mapping;
        }

        if (node is YamlScalar { IsNull: true })
        {
            return new YamlMapping(node.Location, []);
        }

        Report(PolicyErrors.WrongType, node.Location, $"{what} must be a mapping, not {node.Describe}");
        return null;
    }

    public YamlSequence? Sequence(YamlNode node, string what)
    {
        if (node is YamlSequence sequence)
        {
            return sequence;
        }

        Report(PolicyErrors.WrongType, node.Location, $"{what} must be a list, not {node.Describe}");
        return null;
    }

    public string? String(YamlNode node, string what)
    {
        if (node is YamlScalar scalar && !scalar.IsNull)
        {
            return scalar.Value;
        }

        Report(PolicyErrors.WrongType, node.Location, $"{what} must be a text value, not {node.Describe}");
        return null;
    }

    /// <summary>A list of names; a single scalar is accepted as a list of one.</summary>
    public IReadOnlyList<NameReference> Names(YamlNode node, string what)
    {
        if (node is YamlScalar { IsNull: false } single)
        {
            return [new NameReference(single.Value, single.Location)];
        }

        var sequence = Sequence(node, what);
        if (sequence is null)
        {
            return [];
        }

        var names = new List<NameReference>(sequence.Items.Count);
        foreach (var item in sequence.Items)
        {
            if (String(item, $"each entry of {what}") is { } name)
            {
                names.Add(new NameReference(name, item.Location));
            }
        }

        return names;
    }

    public IReadOnlyList<string> Strings(YamlNode node, string what) => [.. Names(node, what).Select(n => n.Name)];

    public bool? Bool(YamlNode node, string what)
    {
        if (node is YamlScalar { IsPlain: true } scalar)
        {
            switch (scalar.Value.ToLowerInvariant())
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
            }
        }

        Report(PolicyErrors.WrongType, node.Location, $"{what} must be true or false");
        return null;
    }

    public long? Integer(YamlNode node, string what, long min, long max)
    {
        if (node is YamlScalar { IsPlain: true } scalar
            && long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= min && value <= max)
            {
                return value;
            }

            Report(PolicyErrors.InvalidValue, node.Location, $"{what} must be between {min} and {max}, not {value}");
            return null;
        }

        Report(PolicyErrors.WrongType, node.Location, $"{what} must be a whole number");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string what)
    {
        if (String(node, what) is not { } text)
        {
            return null;
        }

        if (DurationText.TryParse(text, out var duration))
        {
            if (duration > TimeSpan.Zero)
            {
                return duration;
            }

            // Zero reads as a duration, but no limit, window or lifetime in a policy means anything at zero;
            // "is not a duration" would puzzle whoever wrote it.
            Report(PolicyErrors.BadDuration, node.Location, $"{what} must be longer than zero, not '{text}'");
            return null;
        }

        Report(PolicyErrors.BadDuration, node.Location, $"{what} '{text}' is not a duration; write it like 30s, 15m, 8h, 1h30m or 2d");
        return null;
    }

    /// <summary>An enum value spelled in lower case in policy files; reports the allowed values when it is not one.</summary>
    public T? Choice<T>(YamlNode node, string what, IReadOnlyDictionary<string, T> choices, string errorId = PolicyErrors.InvalidValue)
        where T : struct
    {
        if (String(node, what) is not { } text)
        {
            return null;
        }

        if (choices.TryGetValue(text, out var value))
        {
            return value;
        }

        var suggestion = Suggest.Closest(text, choices.Keys);
        Report(errorId, node.Location,
            $"{what} '{text}' is not one of: {string.Join(", ", choices.Keys)}{(suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)")}");
        return null;
    }

    /// <summary>Reports every key of the mapping that is not in <paramref name="allowed"/>, with the closest allowed key.</summary>
    public void CheckKeys(YamlMapping mapping, string context, params ReadOnlySpan<string> allowed)
    {
        var keys = allowed.ToArray();
        foreach (var (key, _) in mapping.Entries)
        {
            if (Array.IndexOf(keys, key.Value) >= 0)
            {
                continue;
            }

            var suggestion = Suggest.Closest(key.Value, keys);
            Report(PolicyErrors.UnknownKey, key.Location,
                $"unknown key '{key.Value}' in {context}{(suggestion is null ? $"; expected one of: {string.Join(", ", keys)}" : $" (did you mean '{suggestion}'?)")}");
        }
    }

    public bool ValidName(YamlScalar name, string what)
    {
        if (PolicyNames.IsValid(name.Value))
        {
            return true;
        }

        Report(PolicyErrors.InvalidName, name.Location, $"{what} '{name.Value}' may use only letters, digits, '-', '_' and '.', and must start with a letter or digit");
        return false;
    }
}

/// <summary>The characters allowed in ids and names, so that they are safe in logs, URLs and CLI arguments.</summary>
internal static class PolicyNames
{
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 128 || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
