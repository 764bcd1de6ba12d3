using System.Globalization;
using Airlock.Policy.Diagnostics;
using Airlock.Policy.Loading;
using Airlock.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// Typed reads over YAML nodes that report every problem with its file:line:col instead of throwing.
/// Messages never quote a value: any value could be a secret pasted into the wrong key.
/// </summary>
internal sealed class ConfigReader(string file, string baseDirectory)
{
    private readonly List<ConfigDiagnostic> _diagnostics = [];

    public string File { get; } = file;

    /// <summary>The configuration file's directory: relative paths start here.</summary>
    public string BaseDirectory { get; } = baseDirectory;

    public IReadOnlyList<ConfigDiagnostic> Diagnostics => _diagnostics;

    public void Report(string id, SourceLocation location, string message) => _diagnostics.Add(new ConfigDiagnostic(id, location, message));

    public SourceLocation At(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

    /// <summary>A plain <c>~</c>, <c>null</c> or empty value counts as not given.</summary>
    public static bool IsNull(YamlNode? node) =>
        node is null || (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any } s
            && s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public YamlMappingNode? Mapping(YamlNode node, string what)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        Report(GatewayErrors.InvalidValue, At(node), $"{what} must be a mapping (key: value lines), not {Describe(node)}");
        return null;
    }

    /// <summary>Reports every key that is not one of <paramref name="allowed"/>, with the closest allowed key as a suggestion.</summary>
    public void CheckKeys(YamlMappingNode mapping, string what, params string[] allowed)
    {
        foreach (var key in mapping.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                Report(GatewayErrors.InvalidValue, At(key), $"keys of {what} must be plain names, not {Describe(key)}");
                continue;
            }

            if (Array.IndexOf(allowed, name) < 0)
            {
                var suggestion = Airlock.Policy.Loading.Suggest.Closest(name, allowed);
                var hint = suggestion is null ? $"expected one of: {string.Join(", ", allowed)}" : $"did you mean '{suggestion}'?";
                Report(GatewayErrors.UnknownKey, At(key), $"unknown key '{name}' in {what}; {hint}");
            }
        }
    }

    /// <summary>The value of <paramref name="key"/>, or null when it is absent or null.</summary>
    public static YamlNode? Get(YamlMappingNode mapping, string key)
    {
        foreach (var (k, v) in mapping.Children)
        {
            if (k is YamlScalarNode { Value: { } name } && string.Equals(name, key, StringComparison.Ordinal))
            {
                return IsNull(v) ? null : v;
            }
        }

        return null;
    }

    /// <summary>The value of a required key; reports <see cref="GatewayErrors.MissingKey"/> at the mapping when it is absent.</summary>
    public YamlNode? Require(YamlMappingNode mapping, string key, string what)
    {
        var value = Get(mapping, key);
        if (value is null)
        {
            Report(GatewayErrors.MissingKey, At(mapping), $"{what} needs '{key}'");
        }

        return value;
    }

    public string? String(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        Report(GatewayErrors.InvalidValue, At(node), $"{what} must be text, not {Describe(node)}");
        return null;
    }

    public int? Integer(YamlNode node, string what, int min, int max)
    {
        if (node is YamlScalarNode { Value: { } text }
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && value >= min && value <= max)
        {
            return value;
        }

        Report(GatewayErrors.InvalidValue, At(node), $"{what} must be a whole number from {min} to {max}");
        return null;
    }

    public bool? Boolean(YamlNode node, string what)
    {
        // YAML 1.2 core schema: only true/false are booleans (yes/no/on/off are strings in 1.2).
        if (node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Value: { } text })
        {
            switch (text)
            {
                case "true" or "True" or "TRUE":
                    return true;
                case "false" or "False" or "FALSE":
                    return false;
            }
        }

        Report(GatewayErrors.InvalidValue, At(node), $"{what} must be true or false");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } && DurationText.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        Report(GatewayErrors.InvalidValue, At(node), $"{what} must be a duration such as 10s, 5m or 1h30m");
        return null;
    }

    /// <summary>One of a fixed set of words.</summary>
    public string? Choice(YamlNode node, string what, params string[] allowed)
    {
        if (node is YamlScalarNode { Value: { } text } && Array.IndexOf(allowed, text) >= 0)
        {
            return text;
        }

        Report(GatewayErrors.InvalidValue, At(node), $"{what} must be one of: {string.Join(", ", allowed)}");
        return null;
    }

    /// <summary>A path, made absolute against the configuration file's directory.</summary>
    public string? Path(YamlNode node, string what) => String(node, what) is { } path ? FullPath(path) : null;

    public string FullPath(string path) => System.IO.Path.GetFullPath(path, BaseDirectory);

    /// <summary>
    /// A secret: only <c>env:NAME</c> or <c>file:PATH</c>. Anything else is reported as a literal secret
    /// (<see cref="GatewayErrors.LiteralSecret"/>) without quoting it.
    /// </summary>
    public ConfiguredSecret? Secret(YamlNode node, string what) => Reference(node, what, GatewayErrors.LiteralSecret,
        $"{what} is a secret: write it as env:NAME or file:PATH, never in the file itself (the value is not shown here)");

    /// <summary>A reference to something that is not secret but lives outside the file (a certificate).</summary>
    public ConfiguredSecret? NonSecretReference(YamlNode node, string what) => Reference(node, what, GatewayErrors.InvalidValue,
        $"{what} must be file:PATH or env:NAME");

    private ConfiguredSecret? Reference(YamlNode node, string what, string id, string message)
    {
        if (node is not YamlScalarNode { Value: { } text })
        {
            Report(GatewayErrors.InvalidValue, At(node), $"{what} must be env:NAME or file:PATH, not {Describe(node)}");
            return null;
        }

        if (!SecretReferences.TryParse(text.Trim(), out var reference))
        {
            Report(id, At(node), message);
            return null;
        }

        if (reference.Source == SecretSource.File)
        {
            reference = reference with { Name = FullPath(reference.Name) };
        }

        return new ConfiguredSecret(reference, At(node));
    }

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "null",
        _ => "a single value",
    };
}
