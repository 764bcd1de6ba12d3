using System.Text;
using Airlock.Gateway.Secrets;
using Airlock.Policy.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Airlock.Gateway.Configuration;

/// <summary>
/// Loads <c>airlock serve --config FILE</c>. Nothing is thrown for bad input: the result carries every
/// problem with its file:line:col and a stable id (AL080x), and no message quotes a value.
/// </summary>
/// <remarks>
/// <code>
///  file ──read──► YAML (RepresentationModel, with marks) ──sections──► GatewayConfig
///        AL0801    AL0802                                   AL0803 unknown key (did you mean)
///                                                           AL0804 wrong type or value, AL0805 missing key
///                                                           AL0806 literal secret, AL0807 unresolvable secret
/// </code>
/// </remarks>
public static partial class GatewayConfigLoader
{
    /// <summary>A configuration file larger than this is refused: it is written by people.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    private static readonly string[] TopLevelKeys = ["listen", "policy", "store", "instance", "audit", "tls", "users", "admin", "upstreams", "webhooks", "oidc", "approvals", "limits"];

    /// <summary>Loads and checks a configuration file.</summary>
    /// <param name="path">The file; messages name it as given, relative paths inside it resolve against its directory.</param>
    /// <param name="secrets">
    /// When given, every secret reference is read once to prove it resolves (<see cref="GatewayErrors.SecretUnresolved"/>
    /// otherwise; values are not kept). Its environment lookup is also the one <c>store: env:NAME</c> uses.
    /// </param>
    public static GatewayConfigLoadResult Load(string path, SecretResolver? secrets = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var reader = new ConfigReader(path, Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory());
        var text = ReadFile(path, reader);
        if (text is null)
        {
            return Done(reader, null);
        }

        var root = Parse(text, reader);
        if (root is null)
        {
            return Done(reader, null);
        }

        var config = Bind(root, fullPath, reader, secrets ?? SecretResolver.Default);
        if (config is not null && secrets is not null)
        {
            CheckSecrets(config, secrets, reader);
        }

        return Done(reader, config);
    }

    private static GatewayConfigLoadResult Done(ConfigReader reader, GatewayConfig? config)
    {
        var diagnostics = reader.Diagnostics
            .OrderBy(d => d.Location.Line)
            .ThenBy(d => d.Location.Column)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToList();
        return new GatewayConfigLoadResult(diagnostics.Count == 0 ? config : null, diagnostics);
    }

    private static string? ReadFile(string path, ConfigReader reader)
    {
        var location = new SourceLocation(path, 0, 0);
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                reader.Report(GatewayErrors.ConfigUnreadable, location, "the configuration file does not exist");
                return null;
            }

            if (info.Length > MaxFileBytes)
            {
                reader.Report(GatewayErrors.ConfigUnreadable, location, $"the file is {info.Length:N0} bytes; a configuration file may be at most {MaxFileBytes:N0} bytes");
                return null;
            }

            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            reader.Report(GatewayErrors.ConfigUnreadable, location, "the file is not valid UTF-8");
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            reader.Report(GatewayErrors.ConfigUnreadable, location, $"the file cannot be read: {ex.Message}");
            return null;
        }
    }

    /// <summary>The root mapping, or null (reported) when the YAML is broken or holds something else.</summary>
    private static YamlMappingNode? Parse(string text, ConfigReader reader)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            // YamlDotNet reports duplicate keys this way too ("Duplicate key"), with the second key's mark.
            reader.Report(GatewayErrors.ConfigYamlSyntax, new SourceLocation(reader.File, (int)ex.Start.Line, (int)ex.Start.Column), FirstLine(ex));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet 16 throws this, not YamlException, for some truncated documents (an unclosed flow mapping).
            var mark = parser.Current?.Start ?? Mark.Empty;
            reader.Report(GatewayErrors.ConfigYamlSyntax, new SourceLocation(reader.File, (int)mark.Line, (int)mark.Column), $"the YAML is malformed here ({ex.Message})");
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            reader.Report(GatewayErrors.ConfigYamlSyntax, reader.At(stream.Documents[1].RootNode), "the configuration file holds more than one YAML document; keep one");
            return null;
        }

        if (stream.Documents.Count == 0 || ConfigReader.IsNull(stream.Documents[0].RootNode))
        {
            reader.Report(GatewayErrors.MissingKey, new SourceLocation(reader.File, 1, 1), "the configuration file is empty; it needs at least listen, policy and store");
            return null;
        }

        return reader.Mapping(stream.Documents[0].RootNode, "the configuration file");
    }

    private static string FirstLine(YamlException ex)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (...): "; the location is reported separately.
        var text = ex.Message;
        var marker = text.IndexOf("): ", StringComparison.Ordinal);
        if (text.StartsWith("(Line:", StringComparison.Ordinal) && marker > 0)
        {
            text = text[(marker + 3)..];
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }

    private static void CheckSecrets(GatewayConfig config, SecretResolver secrets, ConfigReader reader)
    {
        IEnumerable<ConfiguredSecret?> all =
        [
            config.Audit.SigningKey,
            config.Tls?.Certificate,
            config.Tls?.Key,
            .. config.Users.Select(u => u.Token?.Secret),
            .. config.Users.Select(u => u.Totp),
            .. config.Admin.Tokens.Select(t => t.Token.Secret),
            .. config.Upstreams.Values.Select(u => u.Password),
            .. config.Webhooks.SelectMany(w => (ConfiguredSecret?[])[w.UrlSecret, w.Secret]),
        ];
        foreach (var secret in all)
        {
            if (secret is not null && !secrets.TryResolve(secret.Reference, out _, out var error))
            {
                reader.Report(GatewayErrors.SecretUnresolved, secret.Location, error);
            }
        }
    }
}
